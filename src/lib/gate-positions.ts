// Where a post's members-only parts are, read from its source or rendered HTML. Pure string work, so it
// is unit-tested without Astro. The sealing pass decides what is sealed; pages use this to decide what
// to show around the gates (a teaser, a paywall, a lock in lists) and to keep feeds to the public part.

// A divider is an HTML comment node in rendered Markdown; inside a code block it is escaped text, so it
// cannot be mistaken for one. The Markdown divider plugin may already have turned it into a gate.
const RENDERED_GATE = /<!--\s*members\s*-->|<truefans-gate[\s>]/;
const FENCE = /^( {0,3})(`{3,}|~{3,})[^\n]*\n[\s\S]*?\n\1\2[ \t]*$/gm;
const INLINE_CODE = /`[^`\n]*`/g;
const MEMBERS_ONLY = /<MembersOnly\b([^>]*)>/g;
const TIER_ATTR = /\btier\s*=\s*(?:"([^"]*)"|'([^']*)'|\{\s*["']([^"']*)["']\s*\})/;

/** Does rendered Markdown hold a members-only part (a divider, or a gate made from one)? */
export function hasRenderedGate(html: string): boolean {
  return RENDERED_GATE.test(html);
}

/** Where the first members-only part of rendered HTML starts, or -1: feeds cut there. */
export function firstGateIndex(html: string): number {
  return html.search(RENDERED_GATE);
}

/** The tier attribute of every `<MembersOnly>` in an MDX body (undefined when omitted), code excluded. */
export function membersOnlyTiers(body: string): (string | undefined)[] {
  const prose = body.replace(FENCE, '').replace(INLINE_CODE, '');
  return [...prose.matchAll(MEMBERS_ONLY)].map((m) => {
    const attr = TIER_ATTR.exec(m[1] ?? '');
    return attr ? (attr[1] ?? attr[2] ?? attr[3]) : undefined;
  });
}

/** A tag as it appears in a URL: "Hollow Road" -> "hollow-road". */
export function tagSlug(tag: string): string {
  const slug = tag
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || encodeURIComponent(tag.toLowerCase());
}
