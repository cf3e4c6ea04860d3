// `npm run check`'s summary: a post with a divider or MembersOnly blocks has a public part, so it is
// counted as partly members-only, not fully; posts dated after the clock are listed as scheduled.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/build-site.ts';

it('counts fully and partly members-only posts apart', () => {
  const { TRUEFANS_SECRET: _unset, ...env } = process.env;
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/check.ts')], {
    cwd: ROOT,
    env: { ...env, TRUEFANS_CONTENT_DIR: join(ROOT, 'test/fixtures/canary-site') },
    encoding: 'utf8',
  });
  expect(result.status).toBe(0);
  // canary-site: full-members.md, tier-only.md and headings.md gate the whole post; divider.md and blocks.mdx a part.
  expect(result.stdout.split('\n')[0]).toMatchInlineSnapshot(`"content/ is valid: 6 post(s) (3 fully members-only, 2 partly, 0 draft, 0 scheduled), 2 tier(s), 1 offer(s)."`);
});

function check(content: string, extra: Record<string, string> = {}) {
  const { TRUEFANS_SECRET: _unset, TRUEFANS_NOW: _now, ...env } = process.env;
  return spawnSync(process.execPath, [join(ROOT, 'scripts/check.ts')], {
    cwd: ROOT,
    env: { ...env, TRUEFANS_CONTENT_DIR: join(ROOT, content), ...extra },
    encoding: 'utf8',
  });
}

it('lists the scheduled posts with their dates, by the clock the build would use', () => {
  const result = check('test/fixtures/search-site', { TRUEFANS_NOW: '2026-12-01' });
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('1 scheduled)');
  expect(result.stdout).toContain('Scheduled (published by the first build on or after the date, UTC):\n  2026-12-08 00:00  test/fixtures/search-site/posts/next-tuesday.md  "The regatta next Tuesday"');
  const later = check('test/fixtures/search-site', { TRUEFANS_NOW: '2026-12-08' });
  expect(later.stdout).toContain('0 scheduled)');
  expect(later.stdout).not.toContain('Scheduled (');
});

it('stops on a TRUEFANS_NOW that is not a date, saying how to fix it', () => {
  const result = check('test/fixtures/search-site', { TRUEFANS_NOW: 'tuesday' });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('TRUEFANS_NOW is "tuesday", which is not a date.');
  expect(result.stderr).toContain('or unset it to build at the current time');
});
