// The private member feed: `/_truefans/feed/<token>` answers RSS 2.0 with the full members-only content the
// token's fan may read, opened from the build's feed template. Feed readers cannot carry a cookie, so the
// fan's entitlements are re-checked like the cookie's, with the last check remembered in memory and, when
// there is one, in the store.

import { z } from 'zod';
import { canAccess, type Entitlements } from '../access.ts';
import type { Ctx } from '../context.ts';
import { limit } from '../rate-limit.ts';
import { stringBytes } from '../memo.ts';
import { changedKey, entitlementOptions } from '../fan.ts';
import { openGates } from '../gate/open-gates.ts';
import { Errors } from '../errors.ts';
import { HttpProblem } from '../http/problem.ts';
import { PRIVATE } from '../http/respond.ts';
import { isMissing, isTransient, stripeFailure } from '../billing.ts';
import { toBase64Url } from '../crypto/base64url.ts';
import { feedGeneration, verifyFeedToken, type FeedOwner } from '../tokens/feed.ts';
import { staticRequest } from './gated-page.ts';
import { ASSET_ROUTE, FEED_TEMPLATE_PATH, ROUTES } from '../paths.ts';
import { channelTags, episodeTags, ITUNES_NS, xml } from '../podcast-xml.ts';

const templateSchema = z.object({
  title: z.string(),
  link: z.string(),
  items: z.array(
    z.object({
      title: z.string(),
      link: z.string(),
      guid: z.string(),
      date: z.string(),
      description: z.string(),
      access: z.string(),
      html: z.string(),
      /** The post's recording (src/integration/feed-template.ts): an episode. */
      media: z.object({ path: z.string(), type: z.string(), size: z.number(), seconds: z.number().optional(), access: z.string() }).optional(),
      explicit: z.boolean().optional(),
      image: z.string().optional(),
    }),
  ),
  /** Present when some post has a recording: the feed is then a podcast feed. */
  podcast: z.object({ author: z.string(), category: z.string(), explicit: z.boolean(), image: z.string().optional() }).optional(),
});

const storeKey = (key: string) => `tf:feed:${key}`;

/** The memo and store key of a feed's owner; an email only as a digest, so no store ever holds the address. */
export async function feedOwnerKey(owner: FeedOwner): Promise<string> {
  if ('customer' in owner) return owner.customer;
  return `email:${toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(owner.email))))}`;
}

export const feedGone = () => new HttpProblem(Errors.FeedNotFound, undefined, { headers: { 'referrer-policy': 'no-referrer' } });

const feedEnded = () => new HttpProblem(Errors.FeedEnded);

type FeedCheck = { ent: Entitlements; checkedAt: number; gen: number; customers: string[] };

/** What the owner holds now, their feed generation (the highest on any of their customers), and who they are. */
async function readOwner(ctx: Ctx, owner: FeedOwner): Promise<Omit<FeedCheck, 'checkedAt'>> {
  const { app } = ctx;
  if ('email' in owner) {
    const fan = await app.billing.fan(owner.email, entitlementOptions(app), app.log);
    if (!fan.primary) throw feedEnded();
    return { ent: fan.ent, gen: fan.feedGen, customers: fan.customers };
  }
  const [ent, record] = await Promise.all([app.billing.entitlements(owner.customer, entitlementOptions(app)), app.billing.customer(owner.customer)]);
  if (record.deleted) throw feedEnded();
  return { ent, gen: feedGeneration(record.metadata), customers: [owner.customer] };
}

/**
 * What a feed token's owner may read: a verified email's feed joins every customer with that email, a
 * customer's feed only that customer. Remembered for TRUEFANS_RECHECK_SECONDS (less when the webhook marked
 * one of the owner's customers changed, as for cookies), grace on Stripe faults. A token of an older
 * generation than the owner's (the fan reset their feed address) is refused.
 */
export async function feedEntitlements(ctx: Ctx, owner: FeedOwner, gen: number): Promise<Entitlements> {
  const { app } = ctx;
  const now = Math.floor(app.now() / 1000);
  const key = await feedOwnerKey(owner);
  let known: FeedCheck | undefined = app.feedChecks.get(key);
  if (!known && app.store) {
    const raw = await app.store.get(storeKey(key)).catch(() => null);
    if (raw) {
      try {
        known = JSON.parse(raw) as FeedCheck;
      } catch {
        known = undefined;
      }
    }
  }
  let fresh = known !== undefined && now - known.checkedAt < app.config.recheckSeconds;
  if (fresh && app.store) {
    const store = app.store;
    const marks = await Promise.all((known!.customers ?? []).map((c) => store.get(changedKey(c)).catch(() => null)));
    fresh = !marks.some((marked) => marked !== null && Number(marked) >= known!.checkedAt);
  }
  if (known && fresh) {
    if (gen !== (known.gen ?? 0)) throw feedGone();
    return known.ent;
  }
  await limit(ctx, 'recheck');
  try {
    const entry: FeedCheck = { ...(await readOwner(ctx, owner)), checkedAt: now };
    app.feedChecks.set(key, entry, stringBytes(JSON.stringify(entry)));
    if (app.store) await ctx.background(app.store.put(storeKey(key), JSON.stringify(entry), { ttlSeconds: app.config.graceSeconds }));
    if (gen !== entry.gen) throw feedGone();
    return entry.ent;
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    if (isMissing(error)) throw feedEnded();
    const failure = stripeFailure(error, 're-checking a private feed');
    if (isTransient(error) && known && now - known.checkedAt < app.config.graceSeconds && gen === (known.gen ?? 0)) {
      app.log(`truefans: ${failure.code}: ${failure.message}${failure.detail ? ` ${failure.detail}` : ''} Serving the feed from the last check, within the grace period.`);
      return known.ent;
    }
    app.log(`truefans: ${failure.code}: ${failure.describe().replace(/\n/g, ' ')} Answering 503 for a private feed.`);
    throw new HttpProblem(Errors.MembershipUnconfirmed, undefined, { headers: { 'retry-after': '300' } });
  }
}

function cdata(text: string): string {
  return `<![CDATA[${text.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

/** A sealed file's path with the feed's token, since a feed reader or podcast app has no cookie. */
function withToken(path: string, token: string): string {
  return path.startsWith(`${ASSET_ROUTE}/`) ? `${path}${path.includes('?') ? '&' : '?'}feed=${encodeURIComponent(token)}` : path;
}

/** Feed readers need absolute links; sealed files also need the token. */
function absolutize(html: string, origin: string, token: string): string {
  return html.replace(/(\s(?:src|href|poster)=")(\/(?!\/)[^"]*)"/g, (_, attr: string, path: string) => `${attr}${xml(origin)}${withToken(path, token)}"`);
}

export async function serveFeed(ctx: Ctx): Promise<Response> {
  const { app, url } = ctx;
  const token = url.pathname.slice(ROUTES.feed.length).replace(/\.(xml|rss)$/, '');
  const verified = await verifyFeedToken(app.keyring, app.siteOrigin, token, app.now());
  if (!verified.ok) throw feedGone();
  const ent = await feedEntitlements(ctx, verified.owner, verified.gen);

  const templateResponse = await app.assets.fetch(FEED_TEMPLATE_PATH, staticRequest(ctx, FEED_TEMPLATE_PATH));
  const template = templateSchema.safeParse(templateResponse.ok ? await templateResponse.json().catch(() => null) : null);
  if (!template.success) {
    throw new HttpProblem(Errors.FeedTemplateMissing, { path: FEED_TEMPLATE_PATH, httpStatus: templateResponse.status });
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
    // An episode for this fan only if their tier opens the recording: its URL carries their feed token,
    // which the asset route checks like a cookie (the app has none), so each fan's feed streams as them.
    const media = item.media && (item.media.access === 'public' || canAccess(item.media.access, ent, app.rankedTiers)) ? item.media : undefined;
    const episode =
      media && template.data.podcast
        ? `\n${episodeTags({
            url: `${app.siteOrigin}${withToken(media.path, token)}`,
            type: media.type,
            length: media.size,
            seconds: media.seconds,
            explicit: item.explicit ?? false,
            image: item.image ? new URL(item.image, app.siteOrigin).href : undefined,
            author: template.data.podcast.author,
          })}`
        : '';
    items.push(`<item>
<title>${xml(item.title)}</title>
<link>${xml(new URL(item.link, app.siteOrigin).href)}</link>
<guid isPermaLink="false">${xml(item.guid)}</guid>
${Number.isNaN(date.getTime()) ? '' : `<pubDate>${date.toUTCString()}</pubDate>\n`}<description>${xml(item.description)}</description>
<content:encoded>${cdata(html)}</content:encoded>${readable ? '' : '\n<category>preview</category>'}${episode}
</item>`);
  }
  const podcast = template.data.podcast;
  const channel = podcast
    ? `\n${channelTags({ ...podcast, image: podcast.image ? new URL(podcast.image, app.siteOrigin).href : undefined, block: true })}`
    : '';
  const rss = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"${podcast ? ` xmlns:itunes="${ITUNES_NS}"` : ''}>
<channel>
<title>${xml(template.data.title)} (members)</title>
<link>${xml(new URL(template.data.link, app.siteOrigin).href)}</link>
<description>${xml(`The private members feed of ${app.site.title}. Please keep this address to yourself.`)}</description>
<language>${xml(app.manifest.site.language)}</language>${channel}
${items.join('\n')}
</channel>
</rss>
`;
  return new Response(ctx.request.method === 'HEAD' ? null : rss, {
    status: 200,
    headers: { 'content-type': 'application/rss+xml; charset=utf-8', ...PRIVATE, 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' },
  });
}
