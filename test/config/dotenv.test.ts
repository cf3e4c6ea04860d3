// Variables may come from a git-ignored .env in the project folder for local builds and commands; the
// environment wins over the file. Real `astro build` and `npm run check` in a copy of the project.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyProject, ROOT, runNode, tempDir, TEST_SECRET } from '../helpers/build-site.ts';

const FIXTURE = join(ROOT, 'test/fixtures/adapter-site');

describe('.env', () => {
  it('gives the build its secret and content folder', async () => {
    const base = tempDir('truefans-dotenv-');
    const project = copyProject(base);
    writeFileSync(join(project, '.env'), `# local settings\nTRUEFANS_SECRET=${TEST_SECRET}\nTRUEFANS_CONTENT_DIR=${FIXTURE}\n`);
    const outDir = join(base, 'dist');
    const build = await runNode([join(project, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', outDir], project, { TRUEFANS_PLATFORMS: 'none', TRUEFANS_CACHE_DIR: join(base, 'cache') });
    expect(build.output).not.toContain('TRUEFANS_SECRET');
    expect(build.code).toBe(0);
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toContain('Adapter Fixture');
  }, 120_000);

  it('is read by npm run check, and the environment wins over it', async () => {
    const project = copyProject(tempDir('truefans-dotenv-'));
    writeFileSync(join(project, '.env'), `TRUEFANS_SECRET=too-short\nTRUEFANS_CONTENT_DIR=${FIXTURE}\n`);
    const fromFile = await runNode(['scripts/check.ts'], project, {});
    expect(fromFile.code).toBe(1);
    expect(fromFile.output).toContain('TRUEFANS_SECRET');
    const fromEnv = await runNode(['scripts/check.ts'], project, { TRUEFANS_SECRET: TEST_SECRET });
    expect(fromEnv.output).toMatch(/^content\/ is valid: 2 post\(s\)/m);
    expect(fromEnv.code).toBe(0);
  }, 60_000);

  it('is ignored by git, and .env.example holds no values for secrets', () => {
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.env');
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const set = example.split('\n').filter((l) => /^[A-Z_]+=/.test(l));
    expect(set).toEqual([]);
    for (const name of ['TRUEFANS_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET']) expect(example).toContain(`# ${name}=`);
  });
});
