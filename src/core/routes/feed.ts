// The private member feed: `/_truefans/feed/<token>` answers RSS 2.0 with the full members-only content the
// token's fan may read, opened from the build's feed template. Feed readers cannot carry a cookie, so the
// fan's entitlements are re-checked like the cookie's, with the last check remembered in memory and, when
// there is one, in the store.

import { z } from 'zod';
import { canAccess, type Entitlements } from '../access.ts';
import type { Ctx } from '../app.ts';
import { entitlementOptions } from '../fan.ts';
import { openGates } from '../gate/open-gates.ts';
import { HttpProblem } from '../http/problem.ts';
import { PRIVATE } from '../http/respond.ts';
import { ASSET_ROUTE, FEED_TEMPLATE_PATH } from '../manifest.ts';
import { ROUTES } from '../pages/views.ts';
import { isMissing, isTransient, stripeFailure } from '../stripe/faults.ts';
import { readEntitlements } from '../stripe/entitlements.ts';
import { verifyFeedToken } from '../tokens/feed.ts';
import { staticRequest, UNAVAILABLE_MESSAGE, UNAVAILABLE_TITLE } from './gated-page.ts';

const templateSchema = z.object({
  title: z.string(),
  link: z.string(),
  items: z.array(
    z.object({ title: z.string(), link: z.string(), guid: z.string(), date: z.string(), description: z.string(), access: z.string(), html: z.string() }),
  ),
});

const MEMO_LIMIT = 5000;
const storeKey = (customer: string) => `tf:feed:${customer}`;

/** Entitlements for a feed token's customer: remembered for TRUEFANS_RECHECK_SECONDS, grace on Stripe faults. */
export async function feedEntitlements(ctx: Ctx, customer: string): Promise<Entitlements> {
  const { app } = ctx;
  const now = Math.floor(app.now() / 1000);
  let known = app.feedChecks.get(customer);
  if (!known && app.store) {
    const raw = await app.store.get(storeKey(customer)).catch(() => null);
    if (raw) {
      try {
        known = JSON.parse(raw) as { ent: Entitlements; checkedAt: number };
      } catch {
        known = undefined;
      }
    }
  }
  if (known && now - known.checkedAt < app.config.recheckSeconds) return known.ent;
  try {
    const ent = await readEntitlements(app.stripe, customer, entitlementOptions(app));
    const entry = { ent, checkedAt: now };
    if (app.feedChecks.size >= MEMO_LIMIT) app.feedChecks.delete(app.feedChecks.keys().next().value!);
    app.feedChecks.set(customer, entry);
    if (app.store) await ctx.background(app.store.put(storeKey(customer), JSON.stringify(entry), { ttlSeconds: app.config.graceSeconds }));
    return ent;
  } catch (error) {
    if (isMissing(error)) throw new HttpProblem(410, 'This feed has ended', 'This private feed no longer belongs to a member.');
    const failure = stripeFailure(error, 're-checking a private feed');
    if (isTransient(error) && known && now - known.checkedAt < app.config.graceSeconds) {
      app.log(`truefans: ${failure.code}: ${failure.message}${failure.detail ? ` ${failure.detail}` : ''} Serving the feed from the last check, within the grace period.`);
      return known.ent;
    }
    app.log(`truefans: ${failure.code}: ${failure.describe().replace(/\n/g, ' ')} Answering 503 for a private feed.`);
    throw new HttpProblem(503, UNAVAILABLE_TITLE, UNAVAILABLE_MESSAGE, { headers: { 'retry-after': '300' } });
  }
}

function xml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function cdata(text: string): string {
  return `<![CDATA[${text.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

/** Feed readers need absolute links; sealed files also need the token, since a reader has no cookie. */
function absolutize(html: string, origin: string, token: string): string {
  return html.replace(/(\s(?:src|href|poster)=")(\/(?!\/)[^"]*)"/g, (_, attr: string, path: string) => {
    const withToken = path.startsWith(`${ASSET_ROUTE}/`) ? `${path}${path.includes('?') ? '&' : '?'}feed=${encodeURIComponent(token)}` : path;
    return `${attr}${xml(origin)}${withToken}"`;
  });
}

export async function serveFeed(ctx: Ctx): Promise<Response> {
  const { app, url } = ctx;
  const token = url.pathname.slice(ROUTES.feed.length).replace(/\.(xml|rss)$/, '');
  const verified = await verifyFeedToken(app.keyring, app.siteOrigin, token, app.now());
  if (!verified.ok) throw new HttpProblem(404, 'Feed not found', 'This private feed address is not valid any more. Copy the current one from your account page.', { headers: { 'referrer-policy': 'no-referrer' } });
  const ent = await feedEntitlements(ctx, verified.customer);

  const templateResponse = await app.assets.fetch(FEED_TEMPLATE_PATH, staticRequest(ctx, FEED_TEMPLATE_PATH));
  const template = templateSchema.safeParse(templateResponse.ok ? await templateResponse.json().catch(() => null) : null);
  if (!template.success) {
    app.log(`truefans: ${FEED_TEMPLATE_PATH} is missing or malformed in the deploy (HTTP ${templateResponse.status}); rebuild and redeploy.`);
    throw new HttpProblem(503, 'Feed unavailable', 'This feed could not be built just now. Please try again later.');
  }
  const reader = { keyring: app.keyring, ent, rankedTiers: app.rankedTiers, opened: app.memo.opened };
  const items: string[] = [];
  for (const item of template.data.items) {
    const readable = canAccess(item.access, ent, app.rankedTiers);
    let opened = await openGates(item.html, reader, { dropUnreadable: true });
    if (!opened.ok) {
      app.log(`truefans: a sealed part of feed item "${item.guid}" could not be opened; the item carries its preview only.`);
      opened = await openGates(item.html, { ...reader, ent: { tiers: [], offers: [] } }, { dropUnreadable: true });
    }
    const html = opened.ok ? absolutize(opened.html, app.siteOrigin, token) : '';
    const date = new Date(item.date);
    items.push(`<item>
<title>${xml(item.title)}</title>
<link>${xml(new URL(item.link, app.siteOrigin).href)}</link>
<guid isPermaLink="false">${xml(item.guid)}</guid>
${Number.isNaN(date.getTime()) ? '' : `<pubDate>${date.toUTCString()}</pubDate>\n`}<description>${xml(item.description)}</description>
<content:encoded>${cdata(html)}</content:encoded>${readable ? '' : '\n<category>preview</category>'}
</item>`);
  }
  const rss = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>${xml(template.data.title)} (members)</title>
<link>${xml(new URL(template.data.link, app.siteOrigin).href)}</link>
<description>${xml(`The private members feed of ${app.site.title}. Please keep this address to yourself.`)}</description>
<language>${xml(app.manifest.site.language)}</language>
${items.join('\n')}
</channel>
</rss>
`;
  return new Response(ctx.request.method === 'HEAD' ? null : rss, {
    status: 200,
    headers: { 'content-type': 'application/rss+xml; charset=utf-8', ...PRIVATE, 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' },
  });
}
