// What truefans does with each Stripe event, as a table: one handler per event type. Stripe delivers
// events more than once and out of order, so every handler is safe to repeat (and, with a store, the
// webhook route skips event ids it has already handled).

import { stripeFailure, type BillingEvent, type CheckoutRecord } from '../billing.ts';
import { offerName, tierName, type App, type Ctx } from '../context.ts';
import { giftEmail, goodbyeEmail, newFanEmail, newSupportEmail, paymentFailedEmail, purchaseEmail, welcomeEmail } from '../email/messages.ts';
import { downloadPath } from '../manifest.ts';
import { priceText } from '../pages/price-text.ts';
import { trialSentence } from '../pages/reader.ts';
import { changedKey, entitlementOptions } from '../fan.ts';
import type { EmailMessage } from '../ports.ts';
import { send } from '../email/send.ts';
import { noteAnniversary, noteGoodbye, notePlanChange } from './fan-notes.ts';
import { keepCheckoutWallName } from './supporters.ts';
import { safeReturnPath } from '../http/return-to.ts';
import { ROUTES } from '../paths.ts';
import { GIFT_KIND } from '../gifts/rules.ts';
import { giftOf } from '../gifts/gift.ts';
import { deliverOne, giftLink } from './gifts.ts';
import { giftBoughtEmail, giftEndingEmail } from '../email/gift-messages.ts';
import { longDate, perInterval } from '../pages/price-text.ts';

export type EventHandler = (ctx: Ctx, event: BillingEvent) => Promise<void>;

/**
 * Marks a customer as changed, so their next page request re-checks Stripe at once (needs a store).
 * Events arrive out of order, so the mark only ever moves forward: an older event delivered late must not
 * hide a newer change. (Two deliveries racing can still both write; each writes a time at or after any
 * session checked before its event, so either leaves the mark correct.)
 */
export async function markChanged(app: App, customer: string | { id: string } | null | undefined, at: number): Promise<void> {
  const id = typeof customer === 'string' ? customer : customer?.id;
  if (!app.store || !id) return;
  const key = changedKey(id);
  const current = Number(await app.store.get(key).catch(() => null));
  if (Number.isFinite(current) && current >= at) return;
  await app.store.put(key, String(at), { ttlSeconds: Math.max(app.config.recheckSeconds, 60) });
}

async function customerEmail(app: App, customer: string | undefined): Promise<string | undefined> {
  if (!customer) return undefined;
  const c = await app.billing.customer(customer);
  return c.deleted ? undefined : c.email;
}

/** So a sign-in in another letter case finds this customer (see customersByEmail); a failure only logs. */
async function rememberCustomerEmail(app: App, customer: string | undefined): Promise<void> {
  if (!customer) return;
  try {
    await app.billing.rememberEmail(customer);
  } catch (error) {
    app.log(`truefans: ${stripeFailure(error, "noting a new customer's email in lower case").message.split('\n')[0]} Sign-in by link still finds them by the address as typed.`);
  }
}

/**
 * Marks on the Checkout Session's own metadata, written right after each email goes out, so the welcome
 * and new-fan emails go out once per checkout without a key/value store: a redelivered event, or a retry
 * after a partial failure (say the welcome went out and counting fans then failed), reads the session
 * fresh from Stripe and skips what is marked. Stripe is the record here too (invariant 8). The window
 * left (the provider took the email, then the mark failed to save) repeats an email rather than losing
 * one; Resend's idempotency key closes it for that provider.
 */
export const EMAIL_MARKS = { welcome: 'truefans_welcome_sent', newFan: 'truefans_creator_told' } as const;

async function markSent(app: App, session: string, mark: string): Promise<void> {
  await app.billing.markCheckout(session, mark, String(Math.floor(app.now() / 1000)));
}

/** Sends a message unless the session carries its mark, then marks it. */
async function sendOnce(app: App, session: CheckoutRecord, mark: string, message: EmailMessage): Promise<void> {
  if (session.metadata[mark]) return;
  if (await send(app, { ...message, idempotencyKey: `${mark}-${session.id}` })) await markSent(app, session.id, mark);
}

/**
 * The welcome to the fan and the note to the creator, once each per checkout, when the money is in. The
 * wording follows what was bought: a member of a tier, a buyer of an offer, a supporter.
 */
async function welcomeOnce(app: App, event: BillingEvent, stale: CheckoutRecord): Promise<void> {
  const kind = stale.metadata.truefans_kind;
  if (!kind) return;
  // The event's copy may be old (a redelivery); the marks and the payment status are read fresh.
  const session = await app.billing.checkoutMarks(stale.id);
  if (session.paymentStatus !== 'paid' && session.paymentStatus !== 'no_payment_required') return;
  await markChanged(app, session.customer, event.created);
  const email = session.email ?? (await customerEmail(app, session.customer));
  const tier = session.metadata.truefans_tier;
  const offerId = session.metadata.truefans_offer;
  const link = `${app.siteOrigin}${safeReturnPath(session.metadata.truefans_return)}`;
  const { currency, language } = app.manifest.site;
  const fan = session.name || email || 'Someone';
  const { thankYou, fanGoal } = app.manifest.site;
  let welcome: EmailMessage | undefined;
  let notice: ((count: { fans: number; atLeast: boolean }) => EmailMessage) | undefined;
  const creator = app.config.creatorEmail;
  if (kind === 'tier' && tier) {
    const what = `the ${tierName(app.manifest, tier)} membership`;
    if (email) welcome = welcomeEmail(app.site, email, what, thankYou, link, await trialText(app, session, tier), (await payingTwice(app, session, email)) ? `${app.siteOrigin}${ROUTES.account}` : undefined);
    if (creator) notice = (count) => ({ ...newFanEmail(app.site, creator, fan, what, count, fanGoal), ...(email ? { replyTo: email } : {}) });
  } else if (kind === 'offer' && offerId) {
    const offer = app.manifest.offers.find((o) => o.id === offerId);
    const asset = offer?.asset ? app.asset(offer.asset) : undefined;
    const download = asset && offer?.asset ? `${app.siteOrigin}${downloadPath(offer.asset, asset.name)}` : undefined;
    const name = offerName(app.manifest, offerId);
    if (email) welcome = purchaseEmail(app.site, email, name, thankYou, link, download);
    if (creator) notice = (count) => newSupportEmail(app.site, creator, fan, { kind: 'offer', offer: name }, count, fanGoal);
  } else if (kind === GIFT_KIND) {
    await giftBought(app, session, email);
    return;
  } else if (kind === 'gift') {
    const amount = priceText(session.amountTotal ?? 0, session.currency ?? currency, language);
    if (email) welcome = giftEmail(app.site, email, amount, thankYou, link);
    if (creator) notice = (count) => newSupportEmail(app.site, creator, fan, { kind: 'gift', amount }, count, fanGoal);
  }
  if (welcome) await sendOnce(app, session, EMAIL_MARKS.welcome, welcome);
  if (notice && !session.metadata[EMAIL_MARKS.newFan]) await sendOnce(app, session, EMAIL_MARKS.newFan, notice(await app.billing.countFans(app.legacyTiers)));
}

/**
 * A gift paid for: its link to the buyer (once, marked like a welcome), the creator's note (gifts are counted
 * apart from members), and the recipient's email now if the buyer chose today or asked for no date.
 */
async function giftBought(app: App, session: CheckoutRecord, email: string | undefined): Promise<void> {
  const gift = giftOf(app, session);
  if (!gift) return;
  const link = await giftLink({ app }, gift);
  const deliverOn = gift.deliverTo && gift.deliverOn ? longDate(Date.parse(gift.deliverOn) / 1000, app.manifest.site.language) : undefined;
  if (email) await sendOnce(app, session, EMAIL_MARKS.welcome, giftBoughtEmail(app.site, email, gift.summary, link, deliverOn));
  const creator = app.config.creatorEmail;
  if (creator && !session.metadata[EMAIL_MARKS.newFan]) {
    const fan = gift.summary.from || session.name || email || 'Someone';
    await sendOnce(app, session, EMAIL_MARKS.newFan, newSupportEmail(app.site, creator, fan, { kind: 'membership-gift', what: `${gift.summary.duration} of ${gift.summary.tier}` }, await app.billing.countFans(), app.manifest.site.fanGoal));
  }
  if (gift.deliverTo && (gift.deliverOn ?? '') <= new Date(app.now()).toISOString().slice(0, 10)) await deliverOne(app, gift);
}

const checkoutCompleted: EventHandler = async ({ app }, event) => {
  if (event.kind !== 'checkout') return;
  const session = event.checkout;
  if (!session.metadata.truefans_kind) return;
  await rememberCustomerEmail(app, session.customer);
  // A bank debit completes unpaid: the welcome waits for async_payment_succeeded.
  if (session.paymentStatus !== 'paid' && session.paymentStatus !== 'no_payment_required') return;
  await keepCheckoutWallName(app, session);
  await welcomeOnce(app, event, session);
};

/** A bank debit (SEPA, ACH) settled: now the fan gets their welcome and access. */
const asyncPaymentSucceeded: EventHandler = async ({ app }, event) => {
  if (event.kind === 'checkout') await welcomeOnce(app, event, event.checkout);
};

/** A bank debit failed: nothing was granted; the fan's next request re-reads (and finds nothing paid). */
const asyncPaymentFailed: EventHandler = async ({ app }, event) => {
  if (event.kind !== 'checkout') return;
  const session = event.checkout;
  if (!session.metadata.truefans_kind) return;
  await markChanged(app, session.customer, event.created);
  app.log(`truefans: a bank payment for checkout ${session.id} failed; the fan was granted nothing.`);
};

/** Whether this new member's email already held a tier on another customer; a Stripe fault skips the check. */
async function payingTwice(app: App, session: CheckoutRecord, email: string): Promise<boolean> {
  const customer = session.customer;
  if (!customer) return false;
  try {
    return await app.billing.holdsTierElsewhere(email, customer, entitlementOptions(app), app.log);
  } catch (error) {
    app.log(`truefans: ${stripeFailure(error, 'checking a new member for a duplicate subscription').message.split('\n')[0]} Skipping that check.`);
    return false;
  }
}

/** The trial sentence for a new member's email, read from their subscription (one call, only for tiers). */
async function trialText(app: App, session: CheckoutRecord, tierId: string): Promise<string | undefined> {
  const tier = app.manifest.tiers.find((t) => t.id === tierId);
  const id = session.subscriptionId;
  if (!tier?.trialDays || !id) return undefined;
  try {
    const sub = await app.billing.subscription(id);
    const item = sub.firstItem;
    const interval = item?.interval;
    if (sub.status !== 'trialing' || !sub.trialEnd || !item || (interval !== 'month' && interval !== 'year')) return undefined;
    const { currency, language } = app.manifest.site;
    return trialSentence(tier, sub.trialEnd, item.amount, interval, currency, language, app.now());
  } catch {
    return undefined; // the welcome still goes out, without the trial line
  }
}

const subscriptionUpdated: EventHandler = async ({ app }, event) => {
  if (event.kind !== 'subscription' || !event.site) return;
  await markChanged(app, event.customer, event.created);
  await notePlanChange(app, event);
};

const subscriptionDeleted: EventHandler = async ({ app }, event) => {
  if (event.kind !== 'subscription' || !event.site) return;
  await markChanged(app, event.customer, event.created);
  // The creator's note first: it is sent once (marked), so a fault there retrying the event repeats nothing.
  await noteGoodbye(app, event);
  const email = await customerEmail(app, event.customer);
  if (email) await send(app, goodbyeEmail(app.site, email, `${app.siteOrigin}/`));
};

/**
 * Whether an invoice bills one of this site's subscriptions (the billing reads the invoice's snapshot of
 * the subscription's metadata, else the subscription itself). A one-off invoice, or another product's
 * subscription on the same account, is none of the site's business.
 */
async function isSiteInvoice(app: App, invoice: Extract<BillingEvent, { kind: 'invoice' }>): Promise<boolean> {
  if (invoice.site !== undefined) return invoice.site;
  return invoice.subscription ? (await app.billing.subscription(invoice.subscription)).site : false;
}

const paymentFailed: EventHandler = async ({ app }, event) => {
  if (event.kind !== 'invoice' || !(await isSiteInvoice(app, event))) return;
  const email = event.email ?? (await customerEmail(app, event.customer));
  await markChanged(app, event.customer, event.created);
  if (email) await send(app, paymentFailedEmail(app.site, email, `${app.siteOrigin}${ROUTES.account}`));
};

/** A renewal was paid: on the anniversary of joining, the creator's thank-you goes to the fan. */
const invoicePaid: EventHandler = async ({ app }, event) => {
  if (event.kind !== 'invoice' || !(await isSiteInvoice(app, event))) return;
  await noteAnniversary(app, event);
};

/** A refund or dispute on a one-time purchase: the buyer's next request re-reads what they hold. */
const chargeRefunded: EventHandler = async ({ app }, event) => {
  if (event.kind !== 'charge') return;
  await markChanged(app, event.customer, event.created);
  if (event.paymentIntent) await endRefundedGift(app, event.paymentIntent, event.created);
};

/** A refunded gift stops working: its subscription ends now, and its recipient's next request re-reads. */
async function endRefundedGift(app: App, paymentIntent: string, at: number): Promise<void> {
  const session = await app.billing.checkoutOfPayment(paymentIntent);
  if (!session || session.metadata.truefans_kind !== GIFT_KIND || !session.moneyReturned) return;
  const gift = giftOf(app, session);
  if (!gift?.redeemed) return;
  await app.billing.endSubscription(gift.redeemed.subscription);
  await markChanged(app, gift.redeemed.customer, at);
}

/**
 * Stripe sends trial_will_end three days before a trial ends (its Event reference); for a gift that is its
 * end, so the recipient hears when it ends and how to continue. Once per subscription and trial end.
 */
const trialWillEnd: EventHandler = async ({ app }, event) => {
  if (event.kind !== 'subscription' || !event.subscription.gift || !event.subscription.trialEnd || event.subscription.status !== 'trialing') return;
  const email = await customerEmail(app, event.customer);
  const tierId = event.subscription.tier;
  if (!email || !tierId) return;
  const tier = app.manifest.tiers.find((t) => t.id === tierId);
  const { currency, language } = app.manifest.site;
  const price = tier?.yearly !== undefined ? perInterval(tier.yearly, currency, 'year', language) : tier?.monthly !== undefined ? perInterval(tier.monthly, currency, 'month', language) : undefined;
  const message = giftEndingEmail(app.site, email, tierName(app.manifest, tierId), longDate(event.subscription.trialEnd, language), price, `${app.siteOrigin}/membership/`);
  await send(app, { ...message, idempotencyKey: `gift-ending-${event.subscription.id}-${event.subscription.trialEnd}` });
};

const disputeCreated: EventHandler = async ({ app }, event) => {
  // Without a store there is nothing to mark; the next re-check sees the dispute anyway.
  if (event.kind !== 'dispute' || !app.store) return;
  const customer = event.charge ? await app.billing.chargeCustomer(event.charge) : event.customer;
  await markChanged(app, customer, event.created);
};

export const eventHandlers: Readonly<Record<string, EventHandler>> = {
  'charge.refunded': chargeRefunded,
  'charge.dispute.created': disputeCreated,
  'checkout.session.completed': checkoutCompleted,
  'checkout.session.async_payment_succeeded': asyncPaymentSucceeded,
  'checkout.session.async_payment_failed': asyncPaymentFailed,
  'customer.subscription.updated': subscriptionUpdated,
  'customer.subscription.deleted': subscriptionDeleted,
  'customer.subscription.trial_will_end': trialWillEnd,
  'invoice.paid': invoicePaid,
  'invoice.payment_failed': paymentFailed,
};
