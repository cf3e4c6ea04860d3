// `npm run check` and the build judge content the same way: over each broken site both fail with the
// very same problems (and a build's message stands alone, without Astro's hook wrapper or a stack trace),
// and over a site with only warnings both pass with the same warnings. Real `astro build`s.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSite, ROOT, tempDir, TEST_SECRET } from '../helpers/build-site.ts';

const BASE = join(ROOT, 'test/fixtures/adapter-site');

/** A copy of the small adapter fixture with `files` added (paths under content/). */
function site(files: Record<string, string>): string {
  const dir = join(tempDir('truefans-parity-'), 'content');
  cpSync(BASE, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const post = (body: string, access = 'public') => `---\ntitle: Broken\ndate: 2026-10-03\naccess: ${access}\n---\n${body}`;

function runCheck(content: string) {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/check.ts')], {
    cwd: ROOT,
    env: { ...process.env, TRUEFANS_CONTENT_DIR: content, TRUEFANS_SECRET: TEST_SECRET, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The "  - file:line: message" lines both commands print under "There are problems in content/". */
const problems = (output: string) => output.split('\n').filter((l) => /^ {2}- /.test(l));
const checkWarnings = (output: string) => output.split('\n').flatMap((l) => (l.startsWith('Warning: ') ? [l.slice(9)] : []));
const buildWarnings = (output: string) => output.split('\n').flatMap((l) => (/\[WARN\] \[truefans\] /.test(l) ? [l.replace(/^.*\[WARN\] \[truefans\] /, '')] : []));

const BROKEN: Record<string, Record<string, string>> = {
  'a divider typo': { 'posts/broken.md': post('Teaser.\n\n<!-- member -->\n\nBROKEN-CANARY members-only text.\n') },
  'a divider in a code fence': { 'posts/broken.md': post('Teaser.\n\n~~~\n<!-- members -->\n~~~\n\nBROKEN-CANARY members-only text.\n') },
  'a misspelled MembersOnly': { 'posts/broken.mdx': post('Intro.\n\n<MemberOnly>\nBROKEN-CANARY\n</MemberOnly>\n') },
  'a lowercase membersonly': { 'posts/broken.mdx': post('Intro.\n\n<membersonly>\nBROKEN-CANARY\n</membersonly>\n') },
  'an unknown MembersOnly tier': { 'posts/broken.mdx': post('Intro.\n\n<MembersOnly tier="gold">\nBROKEN-CANARY\n</MembersOnly>\n') },
  'a missing image in the public part': { 'posts/broken.md': post('![Barn](./barn.png)\n\nText.\n') },
  'a missing image in a members-only part': { 'posts/broken.md': post('Teaser.\n\n<!-- members -->\n\n![Barn](images/barn.png)\n') },
  'a missing image in an MDX block': { 'posts/broken.mdx': post('Intro.\n\n<MembersOnly>\n![Barn](./barn.png)\n</MembersOnly>\n') },
  'a divider on a page': { 'pages/about.md': '---\ntitle: About\n---\nHello.\n\n<!-- members -->\n\nPrivate.\n' },
};

describe('npm run check and the build agree', () => {
  for (const [name, files] of Object.entries(BROKEN)) {
    it(`both fail, with the same message, on ${name}`, async () => {
      const content = site(files);
      const check = runCheck(content);
      const build = await buildSite({ content });
      expect(check.code).toBe(1);
      expect(build.code).not.toBe(0);
      expect(problems(check.output).length).toBeGreaterThan(0);
      expect(problems(build.output)).toEqual(problems(check.output));
      // The message alone: no hook wrapper, no stack trace, nothing from node_modules.
      expect(build.output).not.toMatch(/unhandled error|Stack trace|node_modules|\n\s+at /);
      expect(build.output).not.toContain('BROKEN-CANARY');
    }, 60_000);
  }

  it('both pass, with the same warning, on a typo inside a post that is members-only throughout', async () => {
    const content = site({ 'posts/broken.md': post('Intro.\n\n<!-- Members -->\n\nMore.\n', 'members') });
    const check = runCheck(content);
    const build = await buildSite({ content });
    expect(check.code).toBe(0);
    expect(build.code).toBe(0);
    expect(checkWarnings(check.output).map((w) => w.replace(/^.*?content\//, 'content/'))).toMatchInlineSnapshot(`
      [
        "content/posts/broken.md:8: "<!-- Members -->" is not the members divider; nothing is published, as the whole post is members-only (access: members). Write the divider exactly as <!-- members --> on a line of its own, or remove this line",
      ]
    `);
    expect(buildWarnings(build.output)).toEqual(checkWarnings(check.output));
  }, 90_000);

  it('shows the stack trace with --verbose', async () => {
    const content = site({ 'posts/broken.md': post('Teaser.\n\n<!-- member -->\n\nText.\n') });
    const build = await buildSite({ content, args: ['--verbose'] });
    expect(build.code).not.toBe(0);
    expect(build.output).toContain('is not the members divider');
    expect(build.output).toMatch(/Stack trace/);
  }, 60_000);
});
