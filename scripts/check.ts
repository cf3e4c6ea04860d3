// `npm run check`: validates content/ and site.yaml without building, with the same messages as the build
// (both run loadContent: frontmatter, dividers, MembersOnly blocks and tiers, images).
import { loadDotEnv } from '../src/config/dotenv.ts';
import { contentDir, loadContent } from '../src/config/load.ts';
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
  console.log(
    `content/ is valid: ${posts.length} post(s) (${whole} fully members-only, ${partly} partly, ${drafts} draft), ` +
      `${site.tiers.length} tier(s), ${site.offers.length} offer(s).`,
  );
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
