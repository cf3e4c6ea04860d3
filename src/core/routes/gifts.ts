// Gift memberships' routes: the "Give a membership" page and its Checkout (paid once, mode payment), the
// redemption link (its status for the buyer; for the recipient, an email form that sends a claim link, so the
// mailbox is proved), the claim link's confirmation and the POST that redeems, and the daily delivery of
// gifts the buyer asked us to email on a date. The paid session's metadata is the gift's only record.

import type { Ctx } from '../context.ts';
import { tierName } from '../context.ts';
import { Errors } from '../errors.ts';
import { HttpProblem } from '../http/problem.ts';
import { readForm } from '../http/form.ts';
import { page, redirectToStripe } from '../http/respond.ts';
import { stripeFailure, type CheckoutStart } from '../billing.ts';
import { claim, release } from '../claims.ts';
import { EMAIL_ADDRESS as EMAIL } from '../email/address.ts';
import { giftClaimEmail, giftDeliveryEmail } from '../email/gift-messages.ts';
import { send } from '../email/send.ts';
import { entitlementOptions, sessionCookie } from '../fan.ts';
import { limit, mailboxAllows } from '../rate-limit.ts';
import { longDate, priceText } from '../pages/price-text.ts';
import { giftBoughtView, giftCheckEmailView, giftConfirmView, giftLinkView, giftRedeemedView, giveView, type GiftChoice } from '../pages/gift-views.ts';
import { MAGIC_LINK_SECONDS } from '../tokens/magic-link.ts';
import { signGiftClaim, signGiftToken, verifyGiftClaim, verifyGiftToken } from '../tokens/gift.ts';
import { GIFT_ROUTES } from '../paths.ts';
import { cleanName, cleanText, durationText, GIFT_KIND, GIFT_META, giftAmount, giftEnd, MESSAGE_MAX, REDEEM_WITHIN_SECONDS } from '../gifts/rules.ts';
import { covers, giftOf, readGift, redeemGift, type Gift } from '../gifts/gift.ts';
import { mergeEntitlements } from '../holdings.ts';
import { ROUTES } from '../paths.ts';
import { CHECKOUT_COOKIE, readCookie, setCookie } from '../http/cookies.ts';
import { newNonce, nonceHash, NONCE_PATTERN } from '../checkout-nonce.ts';
import { CHECKOUT_MAX_AGE_SECONDS } from './checkout.ts';
import { sameSecret } from './digest.ts';

const NO_REFERRER = { 'referrer-policy': 'no-referrer' };
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** With a store: at most this many claim links per address per 15 minutes. */
const CLAIMS_PER_WINDOW = 5;

const off = () => new HttpProblem(Errors.NotAvailable, { what: 'purchase' }, { returnTo: '/membership/' });

function choices(ctx: Ctx): GiftChoice[] {
  const { manifest } = ctx.app;
  const months = manifest.site.gifts ?? [];
  const { currency, language } = manifest.site;
  return manifest.tiers.flatMap((tier) =>
    months.flatMap((m) => {
      const amount = giftAmount(tier, m);
      return amount === undefined ? [] : [{ tierId: tier.id, tier: tier.name, months: m, duration: durationText(m), price: priceText(amount, currency, language), amount }];
    }),
  );
}

const today = (nowMs: number) => new Date(nowMs).toISOString().slice(0, 10);

export async function giftPage(ctx: Ctx): Promise<Response> {
  if (!ctx.app.manifest.site.gifts) throw off();
  return page(await ctx.app.shell(), giveView({ siteTitle: ctx.app.site.title, choices: choices(ctx), today: today(ctx.app.now()) }));
}

export async function startGift(ctx: Ctx): Promise<Response> {
  const { app, url, request } = ctx;
  if (!app.manifest.site.gifts) throw off();
  const form = await readForm(request);
  const [tierId, monthsText] = (form.get('choice') ?? '').split(':');
  const choice = choices(ctx).find((c) => c.tierId === tierId && String(c.months) === monthsText) as (GiftChoice & { amount: number }) | undefined;
  if (!choice) throw new HttpProblem(Errors.NotAvailable, { what: 'purchase' }, { returnTo: GIFT_ROUTES.give });
  const deliverTo = (form.get('deliver_to') ?? '').trim().toLowerCase();
  const deliverOn = (form.get('deliver_on') ?? '').trim();
  if (deliverTo && !EMAIL.test(deliverTo)) throw new HttpProblem(Errors.GiftFormInvalid, { problem: 'Their email does not look like an email address.' }, { returnTo: GIFT_ROUTES.give });
  if (deliverOn && (!DAY.test(deliverOn) || Number.isNaN(Date.parse(deliverOn)) || Date.parse(deliverOn) > app.now() + REDEEM_WITHIN_SECONDS * 1000)) {
    throw new HttpProblem(Errors.GiftFormInvalid, { problem: 'The delivery day must be a date within the next year.' }, { returnTo: GIFT_ROUTES.give });
  }
  await limit(ctx, 'checkout');
  const existing = readCookie(request, CHECKOUT_COOKIE, url);
  const nonce = existing && NONCE_PATTERN.test(existing) ? existing : newNonce();
  const metadata: Record<string, string> = {
    truefans_return: GIFT_ROUTES.give,
    truefans_nonce: await nonceHash(app.keyring, nonce),
    truefans_kind: GIFT_KIND,
    [GIFT_META.tier]: choice.tierId,
    [GIFT_META.months]: String(choice.months),
  };
  const to = cleanName(form.get('to'));
  const from = cleanName(form.get('from'));
  const message = cleanText(form.get('message'), MESSAGE_MAX);
  if (to) metadata[GIFT_META.to] = to;
  if (from) metadata[GIFT_META.from] = from;
  if (message) metadata[GIFT_META.message] = message;
  if (deliverTo) {
    metadata[GIFT_META.deliverTo] = deliverTo;
    metadata[GIFT_META.deliverOn] = deliverOn || today(app.now());
  }
  const tax = app.manifest.site.tax === 'automatic';
  const start: CheckoutStart = {
    mode: 'payment',
    tax: tax ? { saveAddress: false } : undefined,
    successUrl: `${app.siteOrigin}${ROUTES.checkoutComplete}?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${app.siteOrigin}${GIFT_ROUTES.give}`,
    metadata,
    submitMessage: undefined,
    // The buyer gets a customer of their own (the receipt's); the recipient's is found or made at redemption.
    customer: undefined,
    item: { amount: choice.amount, currency: app.manifest.site.currency, productName: `Gift: ${durationText(choice.months)} of ${choice.tier}, ${app.site.title}`, taxBehavior: tax ? (app.manifest.site.taxPrices ?? 'inclusive') : undefined },
    paymentMetadata: { truefans_kind: GIFT_KIND, [GIFT_META.tier]: choice.tierId, [GIFT_META.months]: String(choice.months) },
  };
  let session: { url: string | null };
  try {
    session = await app.billing.startCheckout(start);
  } catch (error) {
    throw stripeFailure(error, 'starting a gift checkout');
  }
  if (!session.url) throw new HttpProblem(Errors.StripeRefused, { what: 'starting a gift checkout', status: '', noUrl: true });
  return redirectToStripe(session.url, { cookies: [setCookie(CHECKOUT_COOKIE, nonce, url, CHECKOUT_MAX_AGE_SECONDS)] });
}

/** The absolute redemption link of a gift. */
export async function giftLink(ctx: Pick<Ctx, 'app'>, gift: Pick<Gift, 'session' | 'boughtAt'>): Promise<string> {
  const token = await signGiftToken(ctx.app.keyring, ctx.app.siteOrigin, gift.session, gift.boughtAt);
  return `${ctx.app.siteOrigin}${GIFT_ROUTES.redeem}?token=${encodeURIComponent(token)}`;
}

/** The completion page of a paid gift (from /checkout/complete, once the session is judged this browser's). */
export async function giftBoughtPage(ctx: Ctx, gift: Gift): Promise<Response> {
  const link = await giftLink(ctx, gift);
  const deliverOn = gift.deliverTo && gift.deliverOn ? longDate(Date.parse(gift.deliverOn) / 1000, ctx.app.manifest.site.language) : undefined;
  return page(await ctx.app.shell(), giftBoughtView({ siteTitle: ctx.app.site.title, gift: gift.summary, link, deliverOn }), 200, { headers: NO_REFERRER });
}

async function giftFromToken(ctx: Ctx, token: string): Promise<{ gift: Gift; token: string }> {
  const v = await verifyGiftToken(ctx.app.keyring, ctx.app.siteOrigin, token, ctx.app.now());
  if (!v.ok) throw new HttpProblem(Errors.GiftNotFound, undefined, { headers: NO_REFERRER });
  return { gift: await readGift(ctx.app, v.session), token };
}

const redeemBy = (ctx: Ctx, gift: Gift) => longDate(gift.boughtAt + REDEEM_WITHIN_SECONDS, ctx.app.manifest.site.language);

export async function giftLinkPage(ctx: Ctx): Promise<Response> {
  await limit(ctx, 'recheck');
  const { gift, token } = await giftFromToken(ctx, ctx.url.searchParams.get('token') ?? '');
  const state = gift.redeemed ? 'redeemed' : gift.refunded ? 'refunded' : gift.expired ? 'expired' : 'open';
  const redeemedOn = gift.redeemed ? longDate(gift.redeemed.at, ctx.app.manifest.site.language) : undefined;
  return page(await ctx.app.shell(), giftLinkView({ gift: gift.summary, token, state, ...(redeemedOn ? { redeemedOn } : {}), redeemBy: redeemBy(ctx, gift) }), 200, { headers: NO_REFERRER });
}

/** Emails a claim link to the address typed; the same answer whatever happens, as sign-in does. */
export async function requestGiftClaim(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const form = await readForm(ctx.request);
  const { gift } = await giftFromToken(ctx, form.get('token') ?? '');
  const email = (form.get('email') ?? '').trim().toLowerCase();
  if (!EMAIL.test(email)) throw new HttpProblem(Errors.GiftFormInvalid, { problem: 'That does not look like an email address.' }, { headers: NO_REFERRER });
  if (gift.redeemed) throw new HttpProblem(Errors.GiftTaken, undefined, { headers: NO_REFERRER });
  if (gift.refunded || gift.expired) throw new HttpProblem(Errors.GiftUnavailable, { why: gift.refunded ? 'refunded' : 'expired' }, { headers: NO_REFERRER });
  await limit(ctx, 'signin');
  if (!app.mailer) throw new HttpProblem(Errors.EmailNotSetUp, undefined, { headers: NO_REFERRER });
  if (await mailboxAllows(ctx, 'gift-claim', email, CLAIMS_PER_WINDOW, MAGIC_LINK_SECONDS)) {
    const claimToken = await signGiftClaim(app.keyring, app.siteOrigin, gift.session, email, Math.floor(app.now() / 1000));
    const link = `${app.siteOrigin}${GIFT_ROUTES.claim}?token=${encodeURIComponent(claimToken)}`;
    await ctx.background(send(app, giftClaimEmail(app.site, email, gift.summary, link)));
  }
  return page(await app.shell(), giftCheckEmailView(), 200, { headers: NO_REFERRER });
}

const claimExpired = () => new HttpProblem(Errors.SignInLinkExpired, undefined, { headers: NO_REFERRER });
const usedKey = (jti: string) => `tf:link-used:${jti}`;

async function claimFrom(ctx: Ctx, token: string) {
  const v = await verifyGiftClaim(ctx.app.keyring, ctx.app.siteOrigin, token, ctx.app.now());
  if (!v.ok) throw claimExpired();
  return v.claim;
}

export async function giftConfirmPage(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const token = ctx.url.searchParams.get('token') ?? '';
  const c = await claimFrom(ctx, token);
  const held = app.claims.get(usedKey(c.jti));
  if (held !== undefined && held > app.now()) throw claimExpired();
  await limit(ctx, 'recheck');
  const gift = await readGift(app, c.session);
  if (gift.refunded || gift.expired) throw new HttpProblem(Errors.GiftUnavailable, { why: gift.refunded ? 'refunded' : 'expired' }, { headers: NO_REFERRER });
  let fan;
  try {
    fan = await app.billing.fan(c.email, entitlementOptions(app), app.log);
  } catch (error) {
    throw stripeFailure(error, 'reading a gift recipient');
  }
  if (gift.redeemed && !fan.customers.includes(gift.redeemed.customer)) throw new HttpProblem(Errors.GiftTaken, undefined, { headers: NO_REFERRER });
  const top = app.rankedTiers.filter((t) => fan.ent.tiers.includes(t)).pop();
  const language = app.manifest.site.language;
  const view = giftConfirmView({
    gift: gift.summary,
    token,
    email: c.email,
    until: longDate(giftEnd(Math.floor(app.now() / 1000), gift.months), language),
    holds: top ? { tier: tierName(app.manifest, top), covers: covers(app, fan.ent.tiers, gift.tier) } : undefined,
    redeemBy: redeemBy(ctx, gift),
  });
  return page(await app.shell(), view, 200, { headers: NO_REFERRER });
}

export async function confirmGiftClaim(ctx: Ctx): Promise<Response> {
  const { app, url } = ctx;
  const form = await readForm(ctx.request);
  const c = await claimFrom(ctx, form.get('token') ?? '');
  // The emailed link is single-use, like a sign-in link: claimed before Stripe is asked, given back on a fault.
  if (!(await claim(app, usedKey(c.jti), MAGIC_LINK_SECONDS + 60))) throw claimExpired();
  let fan;
  let customer: string;
  try {
    fan = await app.billing.fan(c.email, entitlementOptions(app), app.log);
    customer = fan.primary ?? (await app.billing.customerFor(c.email, app.log));
  } catch (error) {
    await release(app, usedKey(c.jti));
    throw stripeFailure(error, 'finding a gift recipient');
  }
  let result;
  try {
    result = await redeemGift(app, c.session, customer, fan.ent.tiers);
  } catch (error) {
    await release(app, usedKey(c.jti));
    throw error;
  }
  const ent = mergeEntitlements([fan.ent, { tiers: [result.tier], offers: [] }], entitlementOptions(app));
  const customers = [...new Set([customer, ...fan.customers])];
  const now = Math.floor(app.now() / 1000);
  // The claim link proved the mailbox: the session is verified for every customer of that address.
  const cookie = await sessionCookie(app, url, { customer, verified: { email: c.email, customers } }, ent, now);
  const view = giftRedeemedView({ siteTitle: app.site.title, tier: tierName(app.manifest, result.tier), until: longDate(result.until, app.manifest.site.language) });
  return page(await app.shell(), view, 200, { cookies: [cookie], headers: NO_REFERRER });
}

/**
 * Emails every gift whose delivery day has come and that has not gone out (marked on its session after
 * sending), for a scheduler to call daily. Safe for anyone to call: it sends only what is due, once.
 */
export async function deliverGifts(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  if (!app.manifest.site.gifts) throw off();
  // Only the scheduler, with `Authorization: Bearer <CRON_SECRET>` (Vercel Cron Jobs send it with a GET; the
  // Netlify function with a POST): each run lists a year of Checkout Sessions, so an open route would let
  // anyone spend the creator's Stripe rate limit, and a GET without it would let a link or crawler run it.
  const given = /^Bearer (.+)$/.exec(ctx.request.headers.get('authorization') ?? '')?.[1];
  if (!app.config.cronSecret || !given || !(await sameSecret(given, app.config.cronSecret))) throw new HttpProblem(Errors.GiftDeliveryUnauthorized);
  await limit(ctx, 'recheck');
  const now = Math.floor(app.now() / 1000);
  const sent = await deliverDue(ctx, now);
  return new Response(`Delivered ${sent} gift${sent === 1 ? '' : 's'}.`, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}

export async function deliverDue(ctx: Pick<Ctx, 'app'>, now: number): Promise<number> {
  const { app } = ctx;
  let records;
  try {
    records = await app.billing.giftCheckouts(now - REDEEM_WITHIN_SECONDS);
  } catch (error) {
    throw stripeFailure(error, 'listing gifts to deliver');
  }
  let sent = 0;
  for (const record of records) {
    const gift = giftOf(app, record);
    if (!gift || !gift.deliverTo || gift.delivered || gift.redeemed || gift.expired) continue;
    if ((gift.deliverOn ?? '') > today(now * 1000)) continue;
    if (await deliverOne(app, gift)) sent += 1;
  }
  return sent;
}

/** Sends the recipient their gift and marks the session, so it goes once; true if it went. */
export async function deliverOne(app: Ctx['app'], gift: Gift): Promise<boolean> {
  if (!gift.deliverTo || gift.delivered) return false;
  const link = await giftLink({ app }, gift);
  if (!(await send(app, { ...giftDeliveryEmail(app.site, gift.deliverTo, gift.summary, link), idempotencyKey: `gift-delivered-${gift.session}` }))) return false;
  await app.billing.markCheckout(gift.session, GIFT_META.delivered, String(Math.floor(app.now() / 1000)));
  return true;
}

