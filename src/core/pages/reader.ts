// Pages the function serves, tailored to who reads them: the header's member links (marked by the build
// with <truefans-member-nav>), the paywall (<truefans-locked data-paywall>), the join buttons of tier
// cards (<truefans-plan data-tier>) and a one-time banner after a redirect. Works with scripts off.
// Anonymous readers get the page exactly as built.

import type { Entitlements } from '../access.ts';
import { LOCKED_TAG, MEMBER_NAV_TAG, PAYWALL_ATTR, PLAN_TAG, RETURN_ATTR, TIER_ATTR } from '../gate/contract.ts';
import { findMarkers, openTag, replaceMarkers, type Marker } from '../html/markers.ts';
import type { Flash } from '../http/flash.ts';
import { escapeHtml as e } from '../http/html.ts';
import type { ManifestHead } from '../manifest.ts';
import { paywallFor } from './paywall.ts';
import { perInterval, shortDate } from './price-text.ts';
import { ROUTES } from '../paths.ts';

export interface Reader {
  /** A valid session cookie came with the request. */
  signedIn: boolean;
  ent: Entitlements;
  flash?: Flash | undefined;
}

export interface TailorOptions {
  manifest: ManifestHead;
  rankedTiers: readonly string[];
  /** Milliseconds, for dates in the banner. */
  now: number;
  /** On a gated page: every access value on it and the page's own path. */
  gated?: { access: readonly string[]; returnTo: string };
}

type Tier = ManifestHead['tiers'][number];

function topOf(ids: readonly string[] | undefined, manifest: ManifestHead): Tier | undefined {
  return manifest.tiers.filter((t) => ids?.includes(t.id)).pop();
}

/** The header's member links for a signed-in fan: their state, never "Sign in". */
export function memberNav(manifest: ManifestHead, reader: Reader): string {
  const held = topOf(reader.ent.tiers, manifest);
  const lapsed = !held && topOf(reader.ent.lapsed, manifest);
  const items = [
    `<li><a href="${ROUTES.account}">Your membership${held ? ` <span class="member-nav__tier">${e(held.name)}</span>` : ''}</a></li>`,
    ...(held || manifest.tiers.length === 0 ? [] : [`<li><a class="button button--small" href="/membership/">${lapsed ? 'Rejoin' : 'Join'}</a></li>`]),
  ];
  return `<nav class="member-nav" aria-label="Members" data-signed-in="">\n<ul>\n${items.join('\n')}\n</ul>\n</nav>`;
}

/** The one-time banner after joining, changing plan or signing in. */
export function banner(manifest: ManifestHead, flash: Flash, nowMs: number): string {
  const { currency, language } = manifest.site;
  const tier = 'tier' in flash ? manifest.tiers.find((t) => t.id === flash.tier) : undefined;
  const lines: string[] = [];
  if (flash.k === 'joined' && tier) {
    lines.push(`<strong>Welcome, ${e(tier.name)}.</strong> Thank you for joining ${e(manifest.site.title)}: this post is open, and so is everything else for ${e(tier.name)} members.`);
    if (flash.trialEnd && flash.amount !== undefined && flash.interval) lines.push(e(trialSentence(tier, flash.trialEnd, flash.amount, flash.interval, currency, language, nowMs)));
  } else if (flash.k === 'changed' && tier) {
    lines.push(`<strong>You’re now a ${e(tier.name)}.</strong> Everything for ${e(tier.name)} members is open.`);
  } else if (flash.k === 'signed-in') {
    lines.push(`You’re signed in as <strong>${e(flash.email)}</strong>.`);
  }
  if (!lines.length) return '';
  return `<div class="truefans-banner" role="status">${lines.map((l) => `<p>${l}</p>`).join('')}<p><a href="${ROUTES.account}">Your account</a></p></div>`;
}

/** "Your 7-day trial ends on Dec 7; then $70 a year. Cancel any time before from your account." */
export function trialSentence(tier: Pick<Tier, 'trialDays'>, trialEnd: number, amount: number, interval: 'month' | 'year', currency: string, language: string, nowMs: number): string {
  const days = tier.trialDays ? `${tier.trialDays}-day ` : '';
  return `Your ${days}trial ends on ${shortDate(trialEnd, nowMs, language)}; then ${perInterval(amount, currency, interval, language)}. Cancel any time before from your account.`;
}

/** A tier card's join buttons for a signed-in member: "Current plan", "Switch", or "Rejoin". */
function planButtons(manifest: ManifestHead, reader: Reader, marker: Marker): string | undefined {
  const tier = manifest.tiers.find((t) => t.id === marker.attrs[TIER_ATTR]);
  const held = topOf(reader.ent.tiers, manifest);
  const lapsed = held ? undefined : topOf(reader.ent.lapsed, manifest);
  if (!tier || (!held && !lapsed)) return undefined;
  const returnTo = marker.attrs[RETURN_ATTR] ?? '/membership/';
  const { currency, language } = manifest.site;
  const intervals = (['month', 'year'] as const).filter((i) => (i === 'month' ? tier.monthly : tier.yearly) !== undefined);
  const price = (i: 'month' | 'year') => perInterval((i === 'month' ? tier.monthly : tier.yearly)!, currency, i, language);
  const hidden = `<input type="hidden" name="tier" value="${e(tier.id)}">\n<input type="hidden" name="return_to" value="${e(returnTo)}">`;
  if (lapsed) {
    const label = lapsed.id === tier.id ? 'Rejoin' : 'Join';
    return `<form class="tier__form" method="post" action="${ROUTES.checkout}">\n${hidden}\n${intervals
      .map((i, n) => `<button class="button${n ? ' button--secondary' : ''}" type="submit" name="interval" value="${i}">${label} for ${e(price(i))}</button>`)
      .join('\n')}\n</form>`;
  }
  const current = held!.id === tier.id;
  const buttons = intervals.map((i, n) =>
    current && (reader.ent.interval ?? intervals[0]) === i
      ? `<button class="button button--current" type="button" disabled>Current plan: ${e(price(i))}</button>`
      : `<button class="button${n || current ? ' button--secondary' : ''}" type="submit" name="interval" value="${i}">Switch to ${e(current ? price(i) : `${tier.name}, ${price(i)}`)}</button>`,
  );
  return `${current ? '<p class="tier__current"><strong>Your current plan</strong></p>\n' : ''}<form class="tier__form" method="post" action="${ROUTES.plan}">\n${hidden}\n${buttons.join('\n')}\n</form>`;
}

/** The page for this reader. Throws the scanner's MarkupError on markup it does not understand. */
export async function tailorPage(html: string, reader: Reader, options: TailorOptions): Promise<string> {
  const { manifest } = options;
  let out = html;
  if (reader.signedIn && out.includes(`<${MEMBER_NAV_TAG}`)) {
    out = await replaceMarkers(out, findMarkers(out, MEMBER_NAV_TAG), (m) => `${openTag(MEMBER_NAV_TAG, m.attrs)}${memberNav(manifest, reader)}</${MEMBER_NAV_TAG}>`);
  }
  if (reader.signedIn && options.gated && out.includes(PAYWALL_ATTR)) {
    const { access, returnTo } = options.gated;
    const source = out;
    out = await replaceMarkers(source, findMarkers(source, LOCKED_TAG), (m) => {
      const scope = m.attrs[PAYWALL_ATTR];
      if (scope !== 'post' && scope !== 'part') return source.slice(m.start, m.end);
      const inner = paywallFor({ manifest, rankedTiers: options.rankedTiers, ent: reader.ent, access, scope, returnTo });
      return inner === undefined ? source.slice(m.start, m.end) : `${openTag(LOCKED_TAG, m.attrs)}${inner}</${LOCKED_TAG}>`;
    });
  }
  if (reader.signedIn && out.includes(`<${PLAN_TAG}`)) {
    const source = out;
    out = await replaceMarkers(source, findMarkers(source, PLAN_TAG), (m) => {
      const inner = planButtons(manifest, reader, m);
      return inner === undefined ? source.slice(m.start, m.end) : `${openTag(PLAN_TAG, m.attrs)}${inner}</${PLAN_TAG}>`;
    });
  }
  const note = reader.flash ? banner(manifest, reader.flash, options.now) : '';
  if (note) {
    const main = /<main\b[^>]*>/i.exec(out);
    out = main ? out.slice(0, main.index + main[0].length) + note + out.slice(main.index + main[0].length) : note + out;
  }
  return out;
}
