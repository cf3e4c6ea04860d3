// `npm run check`'s summary: a post with a divider or MembersOnly blocks has a public part, so it is
// counted as partly members-only, not fully.

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
  expect(result.stdout.split('\n')[0]).toMatchInlineSnapshot(`"content/ is valid: 6 post(s) (3 fully members-only, 2 partly, 0 draft), 2 tier(s), 1 offer(s)."`);
});
