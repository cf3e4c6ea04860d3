// Where the build stages its output. Astro takes an output folder whose path merely starts with the
// project's path (project /x/s, output /x/state/dist) for one inside the project, and then cannot find
// its own packages; `npm start -- --state DIR` hit that. Unit-tested, then with a real build.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stagingDirFor } from '../../src/integration/stage.ts';
import { copyProject, ROOT, runNode, tempDir, TEST_SECRET } from '../helpers/build-site.ts';

describe('stagingDirFor', () => {
  it('stages beside the output folder, inside or outside the project', () => {
    expect(stagingDirFor('/x/s/dist', '/x/s')).toBe('/x/s/.dist.truefans-staging');
    expect(stagingDirFor('/y/site/dist', '/x/s')).toBe('/y/site/.dist.truefans-staging');
  });
  it('stages inside the project when the output path only starts with the project path', () => {
    expect(stagingDirFor('/x/state/dist', '/x/s')).toMatch(/^\/x\/s\/\.astro\/truefans-staging-[0-9a-f]{12}$/);
    expect(stagingDirFor('/x/sx/dist', '/x/s')).toMatch(/^\/x\/s\/\.astro\/truefans-staging-/);
  });
});

it('builds a project at /x/s into /x/state/dist', async () => {
  const base = tempDir('truefans-prefix-');
  const project = copyProject(base, 's');
  const outDir = join(base, 'state', 'dist');
  const { code, output } = await runNode([join(project, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', outDir], project, {
    TRUEFANS_SECRET: TEST_SECRET,
    TRUEFANS_CONTENT_DIR: join(ROOT, 'test/fixtures/adapter-site'),
    TRUEFANS_CACHE_DIR: join(base, 'state', 'cache'),
    TRUEFANS_PLATFORMS: 'none',
  });
  expect(output).not.toContain('Cannot find package');
  expect(code).toBe(0);
  expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toContain('Adapter Fixture');
  expect(existsSync(join(outDir, '.prerender'))).toBe(false);
}, 120_000);
