// The committed lockfile installs with `npm ci` on every platform a creator or a host builds on: npm 11
// refuses a lockfile that lacks any optional dependency's entry (npm/cli#8320), and a lockfile written on
// one machine keeps only that machine's platform binaries unless they are filled in.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
const packages = lock.packages;

/** Resolves a dependency the way Node does: the nearest node_modules folder upwards that holds it. */
function resolve(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

const PLATFORMS = [
  { os: 'darwin', cpu: 'arm64' },
  { os: 'darwin', cpu: 'x64' },
  { os: 'linux', cpu: 'x64' },
  { os: 'linux', cpu: 'arm64' },
  { os: 'win32', cpu: 'x64' },
] as const;

describe('package-lock.json', () => {
  it('is a version 3 lockfile', () => {
    expect(lock.lockfileVersion).toBe(3);
  });

  it('has an entry for every optional dependency of every package', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(packages)) {
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) if (!resolve(path, dep)) missing.push(`${path || '(root)'} -> ${dep}`);
    }
    expect(missing).toEqual([]);
  });

  it('carries darwin-arm64, darwin-x64, linux-x64, linux-arm64 and win32-x64 binaries wherever a package has platform binaries', () => {
    const gaps: string[] = [];
    const withBinaries: string[] = [];
    for (const [path, entry] of Object.entries(packages)) {
      const variants = Object.keys(entry.optionalDependencies ?? {})
        .map((dep) => resolve(path, dep))
        .filter((p): p is string => !!p)
        .map((p) => packages[p]!)
        .filter((p) => p.os && p.cpu);
      if (variants.length < 2) continue;
      withBinaries.push(path);
      for (const { os, cpu } of PLATFORMS) {
        if (!variants.some((v) => v.os!.includes(os) && v.cpu!.includes(cpu))) gaps.push(`${path}: ${os}-${cpu}`);
      }
    }
    expect(withBinaries).toEqual(expect.arrayContaining(['node_modules/@astrojs/compiler-binding', 'node_modules/esbuild', 'node_modules/workerd', 'node_modules/deno']));
    expect(gaps).toEqual([]);
  });
});
