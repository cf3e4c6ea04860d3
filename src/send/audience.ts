// Who an email is rendered for: a follower (reads what is public) or a member of one tier (reads what that
// tier's rank opens). Recipients carry an audience; each audience's email is rendered once per send.

import type { Entitlements } from '../core/access.ts';

export type Audience = { kind: 'follower' } | { kind: 'tier'; tier: string };

export const FOLLOWER: Audience = { kind: 'follower' };

export function audienceKey(a: Audience): string {
  return a.kind === 'follower' ? 'follower' : `tier:${a.tier}`;
}

/** What a reader of the audience holds, as the web's session would say: one tier, no offers. */
export function entitlementsOf(a: Audience): Entitlements {
  return a.kind === 'follower' ? { tiers: [], offers: [] } : { tiers: [a.tier], offers: [] };
}

/** Every audience of a site, lowest first: follower, then each tier by rank. */
export function audiencesOf(rankedTiers: readonly string[]): Audience[] {
  return [FOLLOWER, ...rankedTiers.map((tier) => ({ kind: 'tier' as const, tier }))];
}
