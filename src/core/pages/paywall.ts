// The paywall as the reader needs it. The build writes the paywall for a visitor (every tier that opens
// the post, and a sign-in form); for a signed-in fan the function swaps its inside for one of these:
// a member whose tier is too low gets ONE upgrade, priced as the difference on their own interval; a
// lapsed member gets "welcome back" and a rejoin button. It holds only public names and prices.

import { canAccess, type Entitlements } from '../access.ts';
import { escapeHtml as e } from '../http/html.ts';
import type { ManifestHead } from '../manifest.ts';
import { perInterval, priceText } from './price-text.ts';
import { ROUTES } from '../paths.ts';

type Tier = ManifestHead['tiers'][number];
type Interval = 'month' | 'year';

export interface PaywallReader {
  manifest: ManifestHead;
  rankedTiers: readonly string[];
  ent: Entitlements;
  /** Every access value gated on the page (from the manifest). */
  access: readonly string[];
  /** `post` when the whole post is gated, `part` when only parts are. */
  scope: 'post' | 'part';
  returnTo: string;
}

/** "Patrons", "True Fans": the tier's members, for sentences like "This part is for Patrons". */
export function membersOf(name: string): string {
  return /s$/i.test(name) ? name : `${name}s`;
}

const priceOf = (tier: Tier, interval: Interval) => (interval === 'month' ? tier.monthly : tier.yearly);

/** The tier to reach: the lowest one that opens every part this fan cannot read yet, or undefined. */
export function tierToReach(r: Pick<PaywallReader, 'manifest' | 'rankedTiers' | 'ent' | 'access'>): Tier | undefined {
  const locked = r.access.filter((a) => !canAccess(a, r.ent, r.rankedTiers));
  if (locked.length === 0 || locked.some((a) => !(a === 'members' || r.rankedTiers.includes(a)))) return undefined;
  const rank = Math.max(...locked.map((a) => (a === 'members' ? 0 : r.rankedTiers.indexOf(a))));
  return r.manifest.tiers[rank];
}

function heading(scope: PaywallReader['scope'], target: Tier): string {
  return scope === 'post' ? `The rest of this post is for ${target.name} members` : `A part of this post is for ${target.name} members`;
}

function wrap(scope: PaywallReader['scope'], target: Tier, body: string, modifier: string): string {
  return `<section class="paywall paywall--${modifier}" id="join" aria-labelledby="join-title">
<h2 id="join-title">${e(heading(scope, target))}</h2>
${body}
</section>`;
}

function upgrade(r: PaywallReader, held: Tier, target: Tier): string {
  const { currency, language } = r.manifest.site;
  const own: Interval = r.ent.interval ?? (held.monthly !== undefined ? 'month' : 'year');
  const interval: Interval = priceOf(target, own) !== undefined ? own : own === 'month' ? 'year' : 'month';
  const targetPrice = priceOf(target, interval)!;
  const heldPrice = priceOf(held, interval);
  const what = r.scope === 'post' ? 'This post' : 'This part';
  const offer =
    interval === own && heldPrice !== undefined && targetPrice > heldPrice
      ? `upgrade for ${priceText(targetPrice - heldPrice, currency, language)} more a ${interval}`
      : `switch to ${target.name} for ${perInterval(targetPrice, currency, interval, language)}`;
  return wrap(
    r.scope,
    target,
    `<p class="paywall__intro">You’re a ${e(held.name)}. ${what} is for ${e(membersOf(target.name))}: ${e(offer)}.</p>
<form class="tier__form" method="post" action="${ROUTES.plan}">
<input type="hidden" name="tier" value="${e(target.id)}">
<input type="hidden" name="interval" value="${interval}">
<input type="hidden" name="return_to" value="${e(r.returnTo)}">
<button class="button" type="submit">Upgrade to ${e(target.name)}</button>
</form>
<p class="hint">Stripe shows what you pay today before anything changes, then brings you straight back here.</p>`,
    'upgrade',
  );
}

function rejoin(r: PaywallReader, old: Tier, target: Tier): string {
  const { currency, language } = r.manifest.site;
  const same = canAccess(target.id, { tiers: [old.id], offers: [] }, r.rankedTiers);
  const tier = same ? old : target;
  const what = r.scope === 'post' ? 'this post' : 'this part';
  const intro = same
    ? `Your ${old.name} membership has ended. Rejoin to read ${what} and everything else for ${membersOf(old.name)} again.`
    : `Your ${old.name} membership has ended, and ${what} is for ${membersOf(target.name)}.`;
  const label = same ? 'Rejoin' : `Join ${tier.name}`;
  const buttons = (['month', 'year'] as const)
    .filter((i) => priceOf(tier, i) !== undefined)
    .map((i, n) => `<button class="button${n ? ' button--secondary' : ''}" type="submit" name="interval" value="${i}">${e(`${label} for ${perInterval(priceOf(tier, i)!, currency, i, language)}`)}</button>`)
    .join('\n');
  return wrap(
    r.scope,
    target,
    `<p class="paywall__intro"><strong>Welcome back.</strong> ${e(intro)}</p>
<form class="tier__form" method="post" action="${ROUTES.checkout}">
<input type="hidden" name="tier" value="${e(tier.id)}">
<input type="hidden" name="return_to" value="${e(r.returnTo)}">
${buttons}
</form>`,
    'rejoin',
  );
}

/** The paywall's inside for this reader, or undefined to keep the visitor's paywall as built. */
export function paywallFor(r: PaywallReader): string | undefined {
  const target = tierToReach(r);
  if (!target) return undefined;
  const tier = (id: string | undefined) => r.manifest.tiers.find((t) => t.id === id);
  const held = tier(r.ent.tiers.filter((t) => r.rankedTiers.includes(t)).sort((a, b) => r.rankedTiers.indexOf(a) - r.rankedTiers.indexOf(b)).pop());
  if (held) return upgrade(r, held, target);
  const old = tier([...(r.ent.lapsed ?? [])].filter((t) => r.rankedTiers.includes(t)).sort((a, b) => r.rankedTiers.indexOf(a) - r.rankedTiers.indexOf(b)).pop());
  return old ? rejoin(r, old, target) : undefined;
}
