// A tag as it appears in a URL. Pure, so it is unit-tested without Astro.

/** "Hollow Road" -> "hollow-road". */
export function tagSlug(tag: string): string {
  const slug = tag
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || encodeURIComponent(tag.toLowerCase());
}
