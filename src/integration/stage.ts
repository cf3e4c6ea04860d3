// The build never writes members-only plaintext into the real output folder. Astro renders into a
// staging folder beside it; only after sealing and the leak check pass is the staging folder swapped in.
// If anything fails (or the process dies) the staging folder is removed or left aside, and the previous
// output stays as it was.

import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function stagingDirFor(outDir: string): string {
  return join(dirname(outDir), `.${basename(outDir)}.truefans-staging`);
}

/** Replaces `outDir` with the sealed `stage`. Same parent folder, so the rename is atomic per entry. */
export function promote(stage: string, outDir: string): void {
  const old = `${outDir}.truefans-old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(outDir)) renameSync(outDir, old);
  renameSync(stage, outDir);
  rmSync(old, { recursive: true, force: true });
}

export function discard(stage: string): void {
  rmSync(stage, { recursive: true, force: true });
}
