// What the pages say about access: labels for tiers, and the core's rules (src/core/access.ts,
// src/core/gate/contract.ts) bound to this site's tiers.

import { site } from 'virtual:truefans/site';
import type { Tier } from '../config/site-schema.ts';
import { ContentError } from '../config/parse.ts';
import { canAccess, highestAccess as highest, lowestAccess as lowest } from '../core/access.ts';
import { gateValues } from '../core/gate/contract.ts';

export const tierIds: readonly string[] = site.tiers.map((t) => t.id);

/** Fails the build on a gate naming a tier this site does not have: never publish it in the clear. */
export function assertGateValue(value: string, where: string): void {
  const values = gateValues(tierIds);
  if (!values.includes(value)) {
    throw new ContentError([`${where}: MembersOnly tier: expected one of ${values.join(', ')}, got ${JSON.stringify(value)}`]);
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

export const highestAccess = (accesses: readonly string[]): string => highest(accesses, tierIds);

export const lowestAccess = (accesses: readonly string[]): string => lowest(accesses, tierIds);

/** Does holding `tier` open `access`? */
export function tierOpens(tier: Tier, access: string): boolean {
  return canAccess(access, { tiers: [tier.id], offers: [] }, tierIds);
}

/** The tiers a fan could join to read something gated by `access`, lowest first. */
export function tiersOpening(access: string): Tier[] {
  return site.tiers.filter((t) => tierOpens(t, access));
}
