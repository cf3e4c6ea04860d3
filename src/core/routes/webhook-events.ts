// What truefans does with each Stripe event, as a table: one handler per event type. Stripe delivers
// events more than once and out of order, so every handler is safe to repeat (and, with a store, the
// webhook route skips event ids it has already handled).

import type Stripe from 'stripe';
import { offerName, tierName, type App, type Ctx } from '../context.ts';
import { giftEmail, goodbyeEmail, newFanEmail, newSupportEmail, paymentFailedEmail, purchaseEmail, welcomeEmail } from '../email/messages.ts';
import { downloadPath } from '../manifest.ts';
import { priceText } from '../pages/price-text.ts';
import { trialSentence } from '../pages/reader.ts';
import { changedKey, entitlementOptions } from '../fan.ts';
import type { EmailMessage } from '../ports.ts';
import { safeReturnPath } from '../http/return-to.ts';
import { tierOfPrice } from '../stripe/entitlements.ts';
import { holdsTierElsewhere, rememberEmail } from '../stripe/fans.ts';
import { stripeFailure } from '../stripe/faults.ts';
import { ROUTES } from '../paths.ts';

export type EventHandler = (ctx: Ctx, event: Stripe.Event) => Promise<void>;

/** Sends an email; true if the provider took it. A failure is logged, not thrown (see below). */
async function send(app: App, message: EmailMessage): Promise<boolean> {
  if (!app.mailer) return false;
  try {
    await app.mailer.send(message);
    return true;
  } catch (error) {
    // An email that fails must not make Stripe resend the event (and everyone else's emails with it).
    app.log(`truefans: the "${message.kind}" email was not sent: ${(error as Error).message.split('\n')[0]}`);
    return false;
  }
}

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

/** Pages of 100 subscriptions read per status when counting; beyond that the notice says "more than". */
const COUNT_PAGES = 10;

/** Fans toward the goal: distinct customers with an active or trialing truefans subscription. Capped, to stay cheap. */
export async function countFans(app: App): Promise<{ fans: number; atLeast: boolean }> {
  const fans = new Set<string>();
  let atLeast = false;
  for (const status of ['active', 'trialing'] as const) {
    let after: string | undefined;
    for (let page = 0; ; page++) {
      if (page === COUNT_PAGES) {
        atLeast = true;
        break;
      }
      const list = await app.stripe.subscriptions.list({ status, limit: 100, ...(after ? { starting_after: after } : {}) });
      for (const sub of list.data) {
        if (sub.items.data.some((item) => tierOfPrice(item.price))) fans.add(typeof sub.customer === 'string' ? sub.customer : sub.customer.id);
      }
      if (!list.has_more || !list.data.length) break;
      after = list.data[list.data.length - 1]!.id;
    }
  }
  return { fans: fans.size, atLeast };
}

function isTruefansSubscription(sub: Stripe.Subscription): boolean {
  return sub.items.data.some((item) => tierOfPrice(item.price)) || !!sub.metadata?.truefans_tier;
}

async function customerEmail(app: App, customer: string | Stripe.Customer | Stripe.DeletedCustomer | null): Promise<string | undefined> {
  if (!customer) return undefined;
  const c = typeof customer === 'string' ? await app.stripe.customers.retrieve(customer) : customer;
  return 'deleted' in c && c.deleted ? undefined : ((c as Stripe.Customer).email ?? undefined);
}

/** So a sign-in in another letter case finds this customer (see customersByEmail); a failure only logs. */
async function rememberCustomerEmail(app: App, customer: string | Stripe.Customer | Stripe.DeletedCustomer | null): Promise<void> {
  if (!customer) return;
  try {
    const c = typeof customer === 'string' ? await app.stripe.customers.retrieve(customer) : customer;
    if (!('deleted' in c && c.deleted)) await rememberEmail(app.stripe, c as Stripe.Customer);
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
  await app.stripe.checkout.sessions.update(session, { metadata: { [mark]: String(Math.floor(app.now() / 1000)) } });
}

/** Sends a message unless the session carries its mark, then marks it. */
async function sendOnce(app: App, session: Stripe.Checkout.Session, mark: string, message: EmailMessage): Promise<void> {
  if (session.metadata?.[mark]) return;
  if (await send(app, { ...message, idempotencyKey: `${mark}-${session.id}` })) await markSent(app, session.id, mark);
}

/**
 * The welcome to the fan and the note to the creator, once each per checkout, when the money is in. The
 * wording follows what was bought: a member of a tier, a buyer of an offer, a supporter.
 */
async function welcomeOnce(app: App, event: Stripe.Event, stale: Stripe.Checkout.Session): Promise<void> {
  const kind = stale.metadata?.truefans_kind;
  if (!kind) return;
  // The event's copy may be old (a redelivery); the marks and the payment status are read fresh.
  const session = await app.stripe.checkout.sessions.retrieve(stale.id);
  if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') return;
  await markChanged(app, session.customer, event.created);
  const email = session.customer_details?.email ?? (await customerEmail(app, session.customer));
  const tier = session.metadata?.truefans_tier;
  const offerId = session.metadata?.truefans_offer;
  const link = `${app.siteOrigin}${safeReturnPath(session.metadata?.truefans_return)}`;
  const { currency, language } = app.manifest.site;
  const fan = session.customer_details?.name || email || 'Someone';
  const { thankYou, fanGoal } = app.manifest.site;
  let welcome: EmailMessage | undefined;
  let notice: ((count: { fans: number; atLeast: boolean }) => EmailMessage) | undefined;
  const creator = app.config.creatorEmail;
  if (kind === 'tier' && tier) {
    const what = `the ${tierName(app.manifest, tier)} membership`;
    if (email) welcome = welcomeEmail(app.site, email, what, thankYou, link, await trialText(app, session, tier), (await payingTwice(app, session, email)) ? `${app.siteOrigin}${ROUTES.account}` : undefined);
    if (creator) notice = (count) => newFanEmail(app.site, creator, fan, what, count, fanGoal);
  } else if (kind === 'offer' && offerId) {
    const offer = app.manifest.offers.find((o) => o.id === offerId);
    const asset = offer?.asset ? app.manifest.assets[offer.asset] : undefined;
    const download = asset && offer?.asset ? `${app.siteOrigin}${downloadPath(offer.asset, asset.name)}` : undefined;
    const name = offerName(app.manifest, offerId);
    if (email) welcome = purchaseEmail(app.site, email, name, thankYou, link, download);
    if (creator) notice = (count) => newSupportEmail(app.site, creator, fan, { kind: 'offer', offer: name }, count, fanGoal);
  } else if (kind === 'gift') {
    const amount = priceText(session.amount_total ?? 0, session.currency ?? currency, language);
    if (email) welcome = giftEmail(app.site, email, amount, thankYou, link);
    if (creator) notice = (count) => newSupportEmail(app.site, creator, fan, { kind: 'gift', amount }, count, fanGoal);
  }
  if (welcome) await sendOnce(app, session, EMAIL_MARKS.welcome, welcome);
  if (notice && !session.metadata?.[EMAIL_MARKS.newFan]) await sendOnce(app, session, EMAIL_MARKS.newFan, notice(await countFans(app)));
}

const checkoutCompleted: EventHandler = async ({ app }, event) => {
  const session = event.data.object as Stripe.Checkout.Session;
  if (!session.metadata?.truefans_kind) return;
  await rememberCustomerEmail(app, session.customer);
  // A bank debit completes unpaid: the welcome waits for async_payment_succeeded.
  if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') return;
  await welcomeOnce(app, event, session);
};

/** A bank debit (SEPA, ACH) settled: now the fan gets their welcome and access. */
const asyncPaymentSucceeded: EventHandler = async ({ app }, event) => {
  await welcomeOnce(app, event, event.data.object as Stripe.Checkout.Session);
};

/** A bank debit failed: nothing was granted; the fan's next request re-reads (and finds nothing paid). */
const asyncPaymentFailed: EventHandler = async ({ app }, event) => {
  const session = event.data.object as Stripe.Checkout.Session;
  if (!session.metadata?.truefans_kind) return;
  await markChanged(app, session.customer, event.created);
  app.log(`truefans: a bank payment for checkout ${session.id} failed; the fan was granted nothing.`);
};

/** Whether this new member's email already held a tier on another customer; a Stripe fault skips the check. */
async function payingTwice(app: App, session: Stripe.Checkout.Session, email: string): Promise<boolean> {
  const customer = typeof session.customer === 'string' ? session.customer : session.customer?.id;
  if (!customer) return false;
  try {
    return await holdsTierElsewhere(app.stripe, email, customer, entitlementOptions(app), app.log);
  } catch (error) {
    app.log(`truefans: ${stripeFailure(error, 'checking a new member for a duplicate subscription').message.split('\n')[0]} Skipping that check.`);
    return false;
  }
}

/** The trial sentence for a new member's email, read from their subscription (one call, only for tiers). */
async function trialText(app: App, session: Stripe.Checkout.Session, tierId: string): Promise<string | undefined> {
  const tier = app.manifest.tiers.find((t) => t.id === tierId);
  const id = typeof session.subscription === 'string' ? session.subscription : session.subscription?.id;
  if (!tier?.trialDays || !id) return undefined;
  try {
    const sub = await app.stripe.subscriptions.retrieve(id);
    const item = sub.items.data[0];
    const interval: string | undefined = item?.price.recurring?.interval;
    if (sub.status !== 'trialing' || !sub.trial_end || !item || (interval !== 'month' && interval !== 'year')) return undefined;
    const { currency, language } = app.manifest.site;
    return trialSentence(tier, sub.trial_end, (item.price.unit_amount ?? 0) * (item.quantity ?? 1), interval, currency, language, app.now());
  } catch {
    return undefined; // the welcome still goes out, without the trial line
  }
}

const subscriptionUpdated: EventHandler = async ({ app }, event) => {
  const sub = event.data.object as Stripe.Subscription;
  if (isTruefansSubscription(sub)) await markChanged(app, sub.customer, event.created);
};

const subscriptionDeleted: EventHandler = async ({ app }, event) => {
  const sub = event.data.object as Stripe.Subscription;
  if (!isTruefansSubscription(sub)) return;
  await markChanged(app, sub.customer, event.created);
  const email = await customerEmail(app, sub.customer);
  if (email) await send(app, goodbyeEmail(app.site, email, `${app.siteOrigin}/`));
};

/**
 * Whether an invoice bills one of this site's subscriptions: the subscription metadata Stripe snapshots
 * on the invoice (`parent.subscription_details.metadata`, which checkout sets to `truefans_tier`), else
 * the subscription itself. A one-off invoice, or another product's subscription on the same account, is
 * none of the site's business.
 */
async function isTruefansInvoice(app: App, invoice: Stripe.Invoice): Promise<boolean> {
  const details = invoice.parent?.subscription_details;
  if (!details) return false;
  if (details.metadata?.truefans_tier) return true;
  const sub = typeof details.subscription === 'string' ? await app.stripe.subscriptions.retrieve(details.subscription) : details.subscription;
  return isTruefansSubscription(sub);
}

const paymentFailed: EventHandler = async ({ app }, event) => {
  const invoice = event.data.object as Stripe.Invoice;
  if (!(await isTruefansInvoice(app, invoice))) return;
  const email = invoice.customer_email ?? (await customerEmail(app, invoice.customer));
  await markChanged(app, invoice.customer, event.created);
  if (email) await send(app, paymentFailedEmail(app.site, email, `${app.siteOrigin}${ROUTES.account}`));
};

/** A refund or dispute on a one-time purchase: the buyer's next request re-reads what they hold. */
const chargeRefunded: EventHandler = async ({ app }, event) => {
  const charge = event.data.object as Stripe.Charge;
  await markChanged(app, charge.customer, event.created);
};

const disputeCreated: EventHandler = async ({ app }, event) => {
  const dispute = event.data.object as Stripe.Dispute;
  // Without a store there is nothing to mark; the next re-check sees the dispute anyway.
  if (!app.store) return;
  const charge = typeof dispute.charge === 'string' ? await app.stripe.charges.retrieve(dispute.charge) : dispute.charge;
  await markChanged(app, charge.customer, event.created);
};

export const eventHandlers: Readonly<Record<string, EventHandler>> = {
  'charge.refunded': chargeRefunded,
  'charge.dispute.created': disputeCreated,
  'checkout.session.completed': checkoutCompleted,
  'checkout.session.async_payment_succeeded': asyncPaymentSucceeded,
  'checkout.session.async_payment_failed': asyncPaymentFailed,
  'customer.subscription.updated': subscriptionUpdated,
  'customer.subscription.deleted': subscriptionDeleted,
  'invoice.payment_failed': paymentFailed,
};
