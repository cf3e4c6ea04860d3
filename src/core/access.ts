// Who may read what. A pure ladder: public, then members (any paying fan), then tiers by rank (a higher
// tier opens everything below it), then one-time purchases (`offer:<id>`), which open only themselves.

/** What a fan holds, as carried in the session cookie. */
export interface Entitlements {
  /** Tier ids with an active (or grace-period) subscription. */
  tiers: readonly string[];
  /** Offer ids bought once. */
  offers: readonly string[];
  /** Tiers whose subscription ended (canceled or unpaid) while none is held now: the paywall says "welcome back". */
  lapsed?: readonly string[];
  /** The billing interval of the highest tier held, so an upgrade is priced on the fan's own interval. */
  interval?: 'month' | 'year';
}

/**
 * May a fan with `ent` read something gated by `access`? `rankedTiers` is the site's tier ids, lowest
 * first. An access value this site does not know is never granted: fail closed.
 */
export function canAccess(access: string, ent: Entitlements, rankedTiers: readonly string[]): boolean {
  if (access === 'public') return true;
  if (access.startsWith('offer:')) return ent.offers.includes(access.slice('offer:'.length));
  const held = ent.tiers.map((t) => rankedTiers.indexOf(t)).filter((rank) => rank >= 0);
  if (held.length === 0) return false;
  if (access === 'members') return true;
  const needed = rankedTiers.indexOf(access);
  return needed >= 0 && Math.max(...held) >= needed;
}

/**
 * Rank of an access value on the ladder, given the site's tier ids lowest first: public < members <
 * tiers in order < one-time purchases (which no tier opens). A tier this site does not have ranks -1.
 */
export function accessRank(access: string, rankedTiers: readonly string[]): number {
  if (access === 'public') return -2;
  if (access === 'members') return -1;
  if (access.startsWith('offer:')) return rankedTiers.length;
  return rankedTiers.indexOf(access);
}

/** The least a fan must hold to read something gated by any of `accesses` (lowest rank wins). */
export function lowestAccess(accesses: readonly string[], rankedTiers: readonly string[]): string {
  return [...accesses].sort((a, b) => accessRank(a, rankedTiers) - accessRank(b, rankedTiers))[0] ?? 'members';
}

/** What opens everything gated by `accesses` (highest rank wins). */
export function highestAccess(accesses: readonly string[], rankedTiers: readonly string[]): string {
  return [...accesses].sort((a, b) => accessRank(b, rankedTiers) - accessRank(a, rankedTiers))[0] ?? 'members';
}
