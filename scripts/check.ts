// `npm run check`: validates content/ and site.yaml without building, with the same messages as the build
// (both run loadContent: frontmatter, dividers, MembersOnly blocks and tiers, images).
import { loadDotEnv } from '../src/config/dotenv.ts';
import { buildNow } from '../src/config/clock.ts';
import { contentDir, loadContent } from '../src/config/load.ts';
import { isPublishedAt } from '../src/core/schedule.ts';
import { validateSecret } from '../src/core/crypto/secret.ts';
import { TruefansError } from '../src/core/errors.ts';

loadDotEnv();
try {
  const { site, posts, warnings } = loadContent(contentDir());
  for (const warning of warnings) console.warn(`Warning: ${warning}`);
  // A post with a divider or MembersOnly blocks has a public part: it is partly, not fully, members-only.
  const whole = posts.filter((p) => p.data.access !== 'public' && !p.inline).length;
  const partly = posts.filter((p) => p.inline).length;
  const drafts = posts.filter((p) => p.data.draft).length;
  // Scheduled by the build's own rule and clock (TRUEFANS_NOW), so this list is what a build now leaves out.
  const now = buildNow();
  const scheduled = posts.filter((p) => !p.data.draft && !isPublishedAt(p.data.date, now)).sort((a, b) => a.data.date.getTime() - b.data.date.getTime());
  console.log(
    `content/ is valid: ${posts.length} post(s) (${whole} fully members-only, ${partly} partly, ${drafts} draft, ${scheduled.length} scheduled), ` +
      `${site.tiers.length} tier(s), ${site.offers.length} offer(s).`,
  );
  if (scheduled.length) {
    console.log('Scheduled (published by the first build on or after the date, UTC):');
    for (const p of scheduled) console.log(`  ${p.data.date.toISOString().slice(0, 16).replace('T', ' ')}  ${p.file}  "${p.data.title}"`);
  }
  if (process.env.TRUEFANS_SECRET === undefined) {
    console.log('Note: TRUEFANS_SECRET is not set here; `npm run build` needs it (`npm start` makes a local one).');
  } else {
    validateSecret(process.env.TRUEFANS_SECRET);
  }
} catch (error) {
  if (!(error instanceof TruefansError)) throw error;
  console.error(error.describe());
  process.exitCode = 1;
}
