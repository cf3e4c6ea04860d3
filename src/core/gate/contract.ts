// The gating contract: how a members-only part is written in content, how it is marked in built HTML,
// and which tier it is for. The pages write it, the content checks and the build's sealing pass and leak
// check read it, the edge function opens it; each takes the names and the one rule from here.

import { openTag } from '../html/markers.ts';

/** Members-only content; the build seals what is inside, the edge function opens it for fans who may read. */
export const GATE_TAG = 'truefans-gate';
/** Paywall UI ("join to read it"); removed for fans who may read the tier it names. */
export const LOCKED_TAG = 'truefans-locked';
/** The header's member links, tailored for a signed-in fan. */
export const MEMBER_NAV_TAG = 'truefans-member-nav';
/** A tier card's join buttons, tailored for a signed-in fan. */
export const PLAN_TAG = 'truefans-plan';
/** The rendered body of a post, once per page: the divider gates the rest of it, feeds read it. */
export const BODY_TAG = 'truefans-body';

export type MarkerName = typeof GATE_TAG | typeof LOCKED_TAG | typeof MEMBER_NAV_TAG | typeof PLAN_TAG;

/** On a gate, a locked block or a plan: the access value (members or a tier id) it is for. */
export const TIER_ATTR = 'data-tier';
/** On a sealed gate: the post whose key sealed it. */
export const POST_ATTR = 'data-post';
/** On the paywall's locked block: `post` (the whole post is gated) or `part`. */
export const PAYWALL_ATTR = 'data-paywall';
/** On a plan: the page a checkout returns to. */
export const RETURN_ATTR = 'data-return';
/** On the post's <article>: its id and its frontmatter access. */
export const ARTICLE_POST_ATTR = 'data-truefans-post';
export const ARTICLE_ACCESS_ATTR = 'data-truefans-access';
/** On the <template> inside a sealed gate that holds the envelope. */
export const ENVELOPE_ATTR = 'data-truefans-envelope';

/** The Markdown members divider as a creator writes it. */
export const DIVIDER_FORM = '<!-- members -->';
/** The one form of the divider, a whole line: lower case; whitespace inside may vary. */
export const DIVIDER_EXACT = /^<!--\s*members\s*-->$/;
/** The divider inside rendered HTML (a comment node there; in code it is escaped text, so never matches). */
export const DIVIDER = /<!--\s*members\s*-->/;

/** The MDX component that marks a members-only block. */
export const MEMBERS_ONLY_TAG = 'MembersOnly';
const TIER_PROP = /\btier\s*=\s*(?:"([^"]*)"|'([^']*)'|\{\s*["']([^"']*)["']\s*\})/;

/** The tier a `<MembersOnly ...>` names in its attribute source, undefined when it names none. */
export function membersOnlyTier(attrs: string): string | undefined {
  const m = TIER_PROP.exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/** Every value a gate may name: members (any paying fan) or one of the site's tier ids. */
export function gateValues(tierIds: readonly string[]): string[] {
  return ['members', ...tierIds];
}

/**
 * The tier a gate is for. A gate that names none (a divider, a `<MembersOnly>` without a tier) takes the
 * post's access; on a public post, members. An empty name counts as none, as an empty HTML attribute does.
 */
export function gateTier(tier: string | undefined, postAccess: string | undefined): string {
  if (tier) return tier;
  return postAccess && postAccess !== 'public' ? postAccess : 'members';
}

/** The sealed form of a gate, as it stands in the deploy output. */
export function sealedGate(tier: string, post: string, envelope: string): string {
  return `${openTag(GATE_TAG, { [TIER_ATTR]: tier, [POST_ATTR]: post })}<template ${ENVELOPE_ATTR}>${envelope}</template></${GATE_TAG}>`;
}

const TEMPLATE_OPEN = `<template ${ENVELOPE_ATTR}>`;
const TEMPLATE_CLOSE = '</template>';

/**
 * The envelope inside a sealed gate's inner HTML, or undefined. Only its ends are looked at: the envelope
 * is most of a gated page, and opening it checks every character (the base64url decoder refuses anything
 * else, the version and key id must match), so a regular expression over it here would scan it twice.
 */
export function envelopeOf(inner: string): string | undefined {
  const text = inner.trim();
  if (!text.startsWith(TEMPLATE_OPEN) || !text.endsWith(TEMPLATE_CLOSE)) return undefined;
  const envelope = text.slice(TEMPLATE_OPEN.length, -TEMPLATE_CLOSE.length);
  return envelope && !envelope.includes('<') ? envelope : undefined;
}

/** Every sealed envelope's template in a text (envelopes of these formats, `tf2.` and `tf1.`), for the leak check to skip. */
export const SEALED_ENVELOPES = new RegExp(`<template ${ENVELOPE_ATTR}>tf[12]\\.[A-Za-z0-9_.-]+</template>`, 'g');
