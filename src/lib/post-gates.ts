// Where a post's members-only parts are, read from its MDX source or its rendered HTML. Pure string work,
// so it is unit-tested without Astro. The sealing pass decides what is sealed; pages use this to decide
// what to show around the gates (a teaser, a paywall, a lock in lists) and to keep feeds to the public part.

import { DIVIDER, GATE_TAG, MEMBERS_ONLY_TAG, membersOnlyTier } from '../core/gate/contract.ts';

// A divider is an HTML comment node in rendered Markdown; inside a code block it is escaped text, so it
// cannot be mistaken for one. The Markdown divider plugin may already have turned it into a gate.
const RENDERED_GATE = new RegExp(`${DIVIDER.source}|<${GATE_TAG}[\\s>]`);
const FENCE = /^( {0,3})(`{3,}|~{3,})[^\n]*\n[\s\S]*?\n\1\2[ \t]*$/gm;
const INLINE_CODE = /`[^`\n]*`/g;
const MEMBERS_ONLY = new RegExp(`<${MEMBERS_ONLY_TAG}\\b([^>]*)>`, 'g');

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
  return [...prose.matchAll(MEMBERS_ONLY)].map((m) => membersOnlyTier(m[1] ?? ''));
}
