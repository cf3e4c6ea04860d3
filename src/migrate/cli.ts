// `npm run migrate -- ghost|substack|patreon EXPORT [--write] [--url https://old.site]`: reads the export,
// plans every post and the followers, and prints a report; with --write it writes the posts into content/,
// downloads their images, and imports the free subscribers as followers (the followers import, on Stripe).

import { readFileSync } from 'node:fs';
import type Stripe from 'stripe';
import type { SiteConfig } from '../config/site-schema.ts';
import { ContentError } from '../config/parse.ts';
import { loadContent } from '../config/load.ts';
import { describeImport, importFollowers } from '../followers/import.ts';
import { readGhost } from './ghost.ts';
import { DEFAULT_LIMITS, type ImageLimits } from './images.ts';
import { readPatreon } from './patreon.ts';
import { readSubstack } from './substack.ts';
import { MigrateInputError, type SourceExport } from './types.ts';
import { writePosts } from './write.ts';

export const USAGE = `Usage: npm run migrate -- ghost|substack|patreon EXPORT [--write] [--url https://your-old-site]
  ghost     Ghost's JSON export (Settings → Migration → Export content)
  substack  Substack's export zip (Settings → Exports)
  patreon   Patreon's members CSV (Relationship manager → Export CSV)
  A dry run with a report unless --write. --url: your Ghost site's address, for images the export names relative to it.`;

export interface MigrateIo {
  site: SiteConfig;
  contentDir: string;
  /** The project root, for the paths in the report. */
  root: string;
  /** A Stripe client, or undefined when STRIPE_SECRET_KEY is not set. */
  stripe: () => Stripe | undefined;
  out: (line: string) => void;
  now?: () => number;
  fetch?: typeof fetch;
  limits?: ImageLimits;
}

function read(platform: string, file: string, io: MigrateIo, url: string | undefined): SourceExport {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new MigrateInputError(`${file}: cannot read the file. Check the path.`);
  }
  if (platform === 'ghost') return readGhost(bytes.toString('utf8'), file, io.site, url);
  if (platform === 'substack') return readSubstack(bytes, file, io.site);
  return readPatreon(bytes.toString('utf8'), file);
}

export async function runMigrate(argv: string[], io: MigrateIo): Promise<number> {
  const [platform, ...rest] = argv;
  const write = rest.includes('--write');
  const urlAt = rest.indexOf('--url');
  const url = urlAt >= 0 ? rest[urlAt + 1] : undefined;
  const file = rest.find((a, i) => !a.startsWith('--') && (urlAt < 0 || i !== urlAt + 1));
  if (!platform || !['ghost', 'substack', 'patreon'].includes(platform) || !file || (urlAt >= 0 && !/^https?:\/\//.test(url ?? ''))) {
    io.out(USAGE);
    return 2;
  }
  const source = read(platform, file, io, url);
  const stripe = source.followersCsv ? io.stripe() : undefined;
  if (write && source.followersCsv && !stripe) {
    throw new MigrateInputError('STRIPE_SECRET_KEY is not set: followers are Stripe customers. Set it (sk_test_... to try it out), or run without --write for the report.');
  }
  const name = { ghost: 'Ghost', substack: 'Substack', patreon: 'Patreon' }[source.platform];
  io.out(`${name} export ${file}: ${source.posts.length} post(s), ${source.subscribers.free} subscriber(s) for followers${source.subscribers.skipped ? ` (${source.subscribers.skipped} ${source.subscribers.why} left out)` : ''}.`);

  const result = await writePosts(source.posts, { contentDir: io.contentDir, root: io.root, write, limits: io.limits ?? DEFAULT_LIMITS, ...(io.fetch ? { fetch: io.fetch } : {}) });
  for (const p of result.posts) {
    const what = `${p.access}${p.draft ? ', draft' : ''}${p.images ? `, ${p.images} image(s)` : ''}`;
    io.out(p.state === 'exists' ? `  exists  ${p.file}: already there; left as it is` : `  ${p.state === 'written' ? 'wrote  ' : 'would write'} ${p.file} (${what})`);
  }
  if (write && result.posts.some((p) => p.images)) {
    io.out(`Images: ${result.downloaded} downloaded${result.failed.length ? `, ${result.failed.length} kept at their old address (the post still shows them from there):` : '.'}`);
    for (const f of result.failed) io.out(`  ${f.url}: ${f.why} (${f.file})`);
  }

  if (source.followersCsv) {
    if (stripe) {
      const counts = await importFollowers(stripe, source.followersCsv, { apply: write, nowMs: (io.now ?? Date.now)(), file });
      io.out(`Followers: ${describeImport(counts, write).split('\n').filter((l) => !l.startsWith('This was a dry run')).join('\n  ')}`);
    } else {
      io.out(`Followers: ${source.subscribers.free} to import; set STRIPE_SECRET_KEY to see which are new (they become Stripe customers).`);
    }
  }
  if (source.notes.length) {
    io.out('Notes:');
    for (const note of source.notes) io.out(`  - ${note}`);
  }
  if (!write) {
    io.out('This was a dry run: nothing was written. Run it again with --write to write the posts, their images and the followers.');
    return 0;
  }
  // The same check as the build, so a migrated post that would stop it is named now.
  try {
    loadContent(io.contentDir, io.root);
    io.out('npm run check: content/ is valid. Review the posts (teasers, access, images), then build.');
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    io.out(`npm run check found problems to fix before building:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  return 0;
}
