// What the pages say about access: labels for tiers, which tiers open a gate, and the ranking used
// to pick the one paywall a page shows. The rules themselves live in src/core/access.ts.

import { site } from 'virtual:truefans/site';
import type { Tier } from '../config/site-schema.ts';
import { ContentError } from '../config/parse.ts';
import { canAccess } from '../core/access.ts';

export const tierIds: readonly string[] = site.tiers.map((t) => t.id);

/** Every value a gate may name: members (any paying fan) or a tier id. */
export function gateValues(): string[] {
  return ['members', ...tierIds];
}

/** Fails the build on a gate naming a tier this site does not have: never publish it in the clear. */
export function assertGateValue(value: string, where: string): void {
  if (!gateValues().includes(value)) {
    throw new ContentError([`${where}: MembersOnly tier: expected one of ${gateValues().join(', ')}, got ${JSON.stringify(value)}`]);
  }
}

export function tierById(id: string): Tier | undefined {
  return site.tiers.find((t) => t.id === id);
}

/** "members" or the tier's name, for sentences like "This part is for True Fan members". */
export function accessName(access: string): string {
  return access === 'members' ? 'members' : `${tierById(access)?.name ?? access} members`;
}

/** A short badge label for a gated post. */
export function accessBadge(access: string): string {
  return access === 'members' ? 'Members only' : `${tierById(access)?.name ?? access} tier`;
}

/** Rank of an access value: public < members < tiers in list order. */
export function accessRank(access: string): number {
  if (access === 'public') return -2;
  if (access === 'members') return -1;
  return tierIds.indexOf(access);
}

export function highestAccess(accesses: readonly string[]): string {
  return [...accesses].sort((a, b) => accessRank(b) - accessRank(a))[0] ?? 'members';
}

export function lowestAccess(accesses: readonly string[]): string {
  return [...accesses].sort((a, b) => accessRank(a) - accessRank(b))[0] ?? 'members';
}

/** Does holding `tier` open `access`? */
export function tierOpens(tier: Tier, access: string): boolean {
  return canAccess(access, { tiers: [tier.id], offers: [] }, tierIds);
}

/** The tiers a fan could join to read something gated by `access`, lowest first. */
export function tiersOpening(access: string): Tier[] {
  return site.tiers.filter((t) => tierOpens(t, access));
}
