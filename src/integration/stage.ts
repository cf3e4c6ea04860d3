// The build never writes members-only plaintext into the real output folder. Astro renders into a
// staging folder beside it; only after sealing and the leak check pass is the staging folder swapped in.
// If anything fails (or the process dies) the staging folder is removed or left aside, and the previous
// output stays as it was.

import { createHash } from 'node:crypto';
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, isAbsolute } from 'node:path';

const isInside = (path: string, dir: string) => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/**
 * Beside the output folder, unless Astro would misplace its prerender chunks there: Astro decides whether
 * the output is inside the project with a bare string prefix (`getOutDirWithinCwd` in
 * astro/dist/core/build/common.js), so for a project at /x/s an output under /x/state counts as inside,
 * and the chunks land where node_modules cannot be found ("Cannot find package ..."). Then the staging
 * folder goes inside the project (under .astro/), where Astro's guess is right.
 */
export function stagingDirFor(outDir: string, cwd = process.cwd()): string {
  const beside = join(dirname(outDir), `.${basename(outDir)}.truefans-staging`);
  if (!beside.startsWith(cwd) || isInside(beside, cwd)) return beside;
  const id = createHash('sha256').update(outDir).digest('hex').slice(0, 12);
  return join(cwd, '.astro', `truefans-staging-${id}`);
}

/** Moves a folder; a rename where it can (same file system), else a copy. */
function move(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EXDEV') throw error;
    cpSync(from, to, { recursive: true });
    rmSync(from, { recursive: true, force: true });
  }
}

/** Replaces `outDir` with the sealed `stage`. Usually the same parent folder, so the rename is atomic per entry. */
export function promote(stage: string, outDir: string): void {
  const old = `${outDir}.truefans-old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(outDir)) renameSync(outDir, old);
  move(stage, outDir);
  rmSync(old, { recursive: true, force: true });
}

export function discard(stage: string): void {
  rmSync(stage, { recursive: true, force: true });
}
