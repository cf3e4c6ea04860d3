// Substack's export zip (Settings → Exports): posts.csv (post_id "<number>.<slug>", post_date,
// is_published, audience, title, subtitle), one HTML file per post under posts/, and the email list CSV.
// Access: everyone -> public; only_paid -> members; founding -> the site's highest tier; only_free (free
// subscribers on Substack) -> members, as the report says. Substack's paywall marker becomes the divider.
// The email list goes to the followers import as it is (it reads Substack's columns, email_disabled too).

import { unzipSync } from 'fflate';
import { parseCsv } from '../followers/csv.ts';
import type { SiteConfig } from '../config/site-schema.ts';
import { DIVIDER_MARK, MigrateInputError, slugOf, type SourceExport, type SourcePost } from './types.ts';

/** A zip bomb stops here: the export is text, so hundreds of megabytes unpacked is not an export. */
const MAX_FILE_BYTES = 50 * 1024 * 1024;
const MAX_TOTAL_BYTES = 300 * 1024 * 1024;

function unzip(bytes: Uint8Array, file: string): Map<string, string> {
  let total = 0;
  let tooBig: string | undefined;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (!/\.(csv|html?)$/i.test(f.name)) return false;
        total += f.originalSize;
        if (f.originalSize > MAX_FILE_BYTES || total > MAX_TOTAL_BYTES) tooBig ??= f.name;
        return !tooBig;
      },
    });
  } catch {
    throw new MigrateInputError(`${file}: not a zip file. Download the export from Substack: Settings → Exports → Create new export.`);
  }
  if (tooBig) throw new MigrateInputError(`${file}: ${tooBig} unpacks to more than ${MAX_FILE_BYTES / 1024 / 1024} MB (or the export to more than ${MAX_TOTAL_BYTES / 1024 / 1024} MB); this is not a Substack export.`);
  return new Map(Object.entries(files).map(([name, data]) => [name.replace(/^\.?\//, ''), new TextDecoder().decode(data)]));
}

export function readSubstack(zip: Uint8Array, file: string, site: SiteConfig): SourceExport {
  const files = unzip(zip, file);
  const postsCsv = [...files].find(([name]) => /(^|\/)posts\.csv$/i.test(name))?.[1];
  if (postsCsv === undefined) throw new MigrateInputError(`${file}: no posts.csv inside; expected Substack's export zip (posts.csv, posts/*.html, email_list.*.csv).`);
  const rows = parseCsv(postsCsv);
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('post_id') < 0 || col('title') < 0) throw new MigrateInputError(`${file}: posts.csv has no post_id and title columns; is this a Substack export?`);
  const htmlOf = (postId: string) => [...files].find(([name]) => name.toLowerCase().endsWith(`posts/${postId.toLowerCase()}.html`))?.[1];
  const highest = site.tiers.at(-1)?.id ?? 'members';
  const notes: string[] = [];
  let onlyFree = 0;
  let missing = 0;
  const posts: SourcePost[] = [];
  for (const row of rows.slice(1)) {
    const cell = (name: string) => (col(name) >= 0 ? (row[col(name)] ?? '').trim() : '');
    const postId = cell('post_id');
    if (!postId) continue;
    const html = htmlOf(postId);
    if (html === undefined) {
      missing++;
      continue;
    }
    const audience = cell('audience') || 'everyone';
    const access = audience === 'everyone' ? 'public' : audience === 'founding' ? highest : 'members';
    if (audience === 'only_free') onlyFree++;
    // Substack's paywall marker: the teaser is above it.
    const body = html.replace(/<div[^>]*class="[^"]*paywall[^"]*"[^>]*>\s*<\/div>/i, access === 'public' ? '' : `<p>${DIVIDER_MARK}</p>`);
    const date = new Date(cell('post_date'));
    posts.push({
      slug: slugOf(postId.replace(/^\d+\./, ''), `substack-${postId.split('.')[0]}`),
      title: cell('title') || '(untitled)',
      date: Number.isNaN(date.getTime()) ? new Date() : date,
      description: cell('subtitle'),
      tags: [],
      access,
      draft: cell('is_published').toLowerCase() !== 'true',
      html: body,
    });
  }
  if (onlyFree) notes.push(`${onlyFree} post(s) were for free subscribers on Substack; here they are for paying members (access: members). Set \`access: public\` on any that followers should read.`);
  if (missing) notes.push(`${missing} post(s) in posts.csv have no HTML file in the export (podcasts, threads or deleted posts) and were left out.`);
  if (posts.some((p) => p.access === highest && highest !== 'members')) notes.push(`Founding-member posts are for the highest tier, ${highest}.`);
  const list = [...files].find(([name]) => /(^|\/)email_list[^/]*\.csv$/i.test(name))?.[1];
  const subscribers = list ? Math.max(0, parseCsv(list).length - 1) : 0;
  if (subscribers) notes.push('Paying Substack subscribers are subscriptions in your Stripe account: map their plans with `also` in site.yaml and they sign in here with no new payment (docs/moving-in.md).');
  return { platform: 'substack', posts, followersCsv: list, subscribers: { free: subscribers, skipped: 0 }, notes };
}
