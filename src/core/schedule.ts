// When a post is published: from its date on, never before. One rule for every output: the build keeps a
// scheduled post out of pages, feeds, the sitemap and the search index at its clock, and `npm run send`
// refuses it at the send's clock, so no output can publish a post early.

/** True when a post dated `date` is published at `nowMs`. An unreadable date is never published. */
export function isPublishedAt(date: Date | string, nowMs: number): boolean {
  const at = typeof date === 'string' ? Date.parse(date) : date.getTime();
  return Number.isFinite(at) && at <= nowMs;
}
