// The schema of a post's frontmatter. `access` is checked against the site's own tiers, so a typo can
// never publish a members-only post in the clear: the build stops and lists the valid values.

import { z } from 'zod';

/** Accepts a YAML date (2026-11-22) or a date-time string; refuses anything that is not a real date. */
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
function toDate(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = DATE.exec(value.trim());
  if (!m) return value;
  const date = new Date(value.trim().length === 10 ? `${value.trim()}T00:00:00Z` : value.trim());
  // 2026-02-31 must not quietly become March 3rd.
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  return check.getUTCMonth() === mo - 1 && check.getUTCDate() === d ? date : value;
}
const date = z.preprocess(
  toDate,
  z.date({ error: 'expected a date like 2026-11-22' }).refine((d) => !Number.isNaN(d.getTime()), { error: 'expected a date like 2026-11-22' }),
);

export const AUDIO_EXTENSIONS = ['mp3', 'm4a', 'aac', 'wav', 'ogg', 'oga', 'opus', 'flac'] as const;
export const VIDEO_EXTENSIONS = ['mp4', 'm4v', 'webm', 'mov'] as const;

/**
 * Builds the frontmatter schema for a site whose tiers are `tierIds` (lowest first).
 * `cover` is passed in because Astro resolves images itself; the `check` command passes a path check,
 * and `recording` checks that an `audio` or `video` file exists.
 */
export function postSchema<C extends z.ZodType>(tierIds: readonly string[], cover: C, recording: z.ZodType<string, string> = z.string()) {
  const access = ['public', 'members', ...tierIds];
  const media = (kind: 'audio' | 'video', extensions: readonly string[]) =>
    z
      .string({ error: `expected a path to ${kind === 'audio' ? 'an audio' : 'a video'} file beside the post` })
      .trim()
      .refine((p) => extensions.some((e) => p.toLowerCase().endsWith(`.${e}`)), { error: `expected a file ending in ${extensions.map((e) => `.${e}`).join(', ')}` })
      .pipe(recording);
  return z
    .object({
      title: z.string({ error: 'expected a title' }).trim().min(1, { error: 'expected a title, got an empty value' }).describe('The post\'s title.'),
      date: date.describe('Publication date, like 2026-11-22 (midnight UTC) or 2026-11-22T09:00:00Z. A date in the future schedules the post: it is left out of every page, feed and email until a build on or after that date (docs/scheduled-posts.md).'),
      description: z.string({ error: 'expected text' }).trim().default('').describe('A sentence or two for the post index, feeds and link previews. For a fully gated post without a divider it is the teaser.'),
      tags: z.array(z.string({ error: 'expected a list of tags' }).trim().min(1), { error: 'expected a list of tags, like [tour, recording]' }).default([]).describe('Tags, like [tour, recording].'),
      draft: z.boolean({ error: 'expected true or false' }).default(false).describe('A draft is shown by `npm run dev` and never built for production.'),
      cover: cover.optional().describe('An image beside the post, relative to the post file.'),
      cover_alt: z.string().trim().default('').describe('Alt text for the cover image.'),
      audio: media('audio', AUDIO_EXTENSIONS)
        .optional()
        .describe('A recording, relative to the post file (mp3, m4a, wav, ogg, opus, flac). The post shows it with a player at the top of its members-only part (or, on a public post without one, for everyone), and it becomes an episode of the podcast feeds.'),
      video: media('video', VIDEO_EXTENSIONS)
        .optional()
        .describe('A video, relative to the post file (mp4, m4v, webm, mov), shown like `audio` with the cover as its poster.'),
      explicit: z.boolean({ error: 'expected true or false' }).default(false).describe('For podcast apps: the recording has explicit content (itunes:explicit).'),
      access: z
        .string({ error: `expected one of ${access.join(', ')}` })
        .default('public')
        .refine((v) => access.includes(v), { error: `expected one of ${access.join(', ')}` })
        .describe('Who may read it: public (default), members (any paying fan), or a tier id from site.yaml. Without a divider (Markdown) or MembersOnly blocks (MDX), members or a tier gates the whole post.'),
    })
    .strict();
}

export type PostFrontmatter = z.infer<ReturnType<typeof postSchema<z.ZodString>>>;
