// The core and the edge entry files are Web-standard for real: `tsc -p tsconfig.core.json` (the check
// `npm run typecheck` runs) fails when a Node API is planted in one of them. Each case copies the checked
// tree to a temporary folder (node_modules linked), plants one line, and runs the same tsc.

import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = JSON.parse(readFileSync(join(root, 'tsconfig.core.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { include: string[] };
const made: string[] = [];

/** A copy of what tsconfig.core.json checks, with `plant` appended to one file; the planted line's number. */
function copyWith(plant?: { file: string; code: string }): { dir: string; line: number } {
  const dir = mkdtempSync(join(tmpdir(), 'truefans-purity-'));
  made.push(dir);
  for (const file of ['tsconfig.core.json', 'package.json']) cpSync(join(root, file), join(dir, file));
  cpSync(join(root, 'src/core'), join(dir, 'src/core'), { recursive: true });
  for (const entry of config.include.filter((p) => !p.includes('*'))) cpSync(join(root, entry), join(dir, entry));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  let line = 0;
  if (plant) {
    const path = join(dir, plant.file);
    const text = readFileSync(path, 'utf8').replace(/\n*$/, '\n');
    line = text.split('\n').length;
    writeFileSync(path, `${text}${plant.code}\n`);
  }
  return { dir, line };
}

function typecheck(dir: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.core.json'], { cwd: dir, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('the core typecheck refuses Node APIs', () => {
  it('passes on the tree as it is (the control)', async () => {
    const { dir } = copyWith();
    const result = await typecheck(dir);
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  });

  const cases = [
    { file: 'src/core/money.ts', code: "import { readFileSync } from 'node:fs';\nexport const planted = readFileSync;", what: 'node:fs in a core file' },
    { file: 'src/core/money.ts', code: "export const planted = Buffer.from('x');", what: 'Buffer in a core file' },
    { file: 'src/core/money.ts', code: 'export const planted = process.env.X;', what: 'process.env in a core file' },
    { file: 'src/adapters/cloudflare/worker.ts', code: "export const planted = Buffer.from('x');", what: 'Buffer in an edge entry' },
    { file: 'src/adapters/netlify/edge-function.ts', code: 'export const planted = process.env.X;', what: 'process.env in an edge entry' },
    { file: 'src/adapters/loop-guard.ts', code: "import { readFileSync } from 'node:fs';\nexport const planted = readFileSync;", what: 'node:fs in the loop guard' },
  ];
  it.each(cases)('fails on $what, naming the planted line', async ({ file, code }) => {
    const { dir, line } = copyWith({ file, code });
    const result = await typecheck(dir);
    expect(result.code).not.toBe(0);
    expect(result.out).toContain(`${file}(${line},`);
  });
});

describe('nothing the core typecheck sees imports stripe', () => {
  it('no core file nor edge entry imports the stripe package', () => {
    const files = [
      ...readdirSync(join(root, 'src/core'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'src/core', f)),
      ...config.include.filter((p) => !p.includes('*')).map((p) => join(root, p)),
    ];
    expect(files.length).toBeGreaterThan(50);
    const importers = files.filter((f) => /from\s+['"]stripe(?:\/[^'"]*)?['"]|import\(\s*['"]stripe['"]/.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
    expect(importers).toEqual([]);
  });
});
