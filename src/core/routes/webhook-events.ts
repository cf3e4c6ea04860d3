// What truefans does with each Stripe event, as a table: one handler per event type. Stripe delivers
// events more than once and out of order, so every handler is safe to repeat (and, with a store, the
// webhook route skips event ids it has already handled).

import type Stripe from 'stripe';
import { offerName, tierName, type App, type Ctx } from '../app.ts';
import { giftEmail, goodbyeEmail, newFanEmail, newSupportEmail, paymentFailedEmail, purchaseEmail, welcomeEmail } from '../email/messages.ts';
import { downloadPath } from '../manifest.ts';
import { priceText } from '../pages/price-text.ts';
import { trialSentence } from '../pages/reader.ts';
import { changedKey } from '../fan.ts';
import type { EmailMessage } from '../ports.ts';
import { safeReturnPath } from '../http/return-to.ts';
import { ROUTES } from '../pages/views.ts';
import { tierOfPrice } from '../stripe/entitlements.ts';
import { rememberEmail } from '../stripe/fans.ts';
import { stripeFailure } from '../stripe/faults.ts';

export type EventHandler = (ctx: Ctx, event: Stripe.Event) => Promise<void>;

async function send(app: App, message: EmailMessage): Promise<void> {
  if (!app.mailer) return;
  try {
    await app.mailer.send(message);
  } catch (error) {
    // An email that fails must not make Stripe resend the event (and everyone else's emails with it).
    app.log(`truefans: the "${message.kind}" email was not sent: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Marks a customer as changed, so their next page request re-checks Stripe at once (needs a store). */
async function markChanged(app: App, customer: string | { id: string } | null | undefined, at: number): Promise<void> {
  const id = typeof customer === 'string' ? customer : customer?.id;
  if (!app.store || !id) return;
  await app.store.put(changedKey(id), String(at), { ttlSeconds: Math.max(app.config.recheckSeconds, 60) });
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

const checkoutCompleted: EventHandler = async ({ app }, event) => {
  const session = event.data.object as Stripe.Checkout.Session;
  const kind = session.metadata?.truefans_kind;
  if (!kind) return;
  await rememberCustomerEmail(app, session.customer);
  if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') return;
  await markChanged(app, session.customer, event.created);
  const email = session.customer_details?.email ?? (await customerEmail(app, session.customer));
  const tier = session.metadata?.truefans_tier;
  const offerId = session.metadata?.truefans_offer;
  const link = `${app.siteOrigin}${safeReturnPath(session.metadata?.truefans_return)}`;
  const { currency, language } = app.manifest.site;
  const fan = session.customer_details?.name || email || 'Someone';
  const notify = async (message: (count: { fans: number; atLeast: boolean }) => EmailMessage) => {
    if (app.config.creatorEmail) await send(app, message(await countFans(app)));
  };
  // Wording follows what was bought: a member of a tier, a buyer of an offer, a supporter.
  if (kind === 'tier' && tier) {
    const what = `the ${tierName(app.manifest, tier)} membership`;
    if (email) await send(app, welcomeEmail(app.site, email, what, app.manifest.site.thankYou, link, await trialText(app, session, tier)));
    await notify((count) => newFanEmail(app.site, app.config.creatorEmail!, fan, what, count, app.manifest.site.fanGoal));
  } else if (kind === 'offer' && offerId) {
    const offer = app.manifest.offers.find((o) => o.id === offerId);
    const asset = offer?.asset ? app.manifest.assets[offer.asset] : undefined;
    const download = asset && offer?.asset ? `${app.siteOrigin}${downloadPath(offer.asset, asset.name)}` : undefined;
    const name = offerName(app.manifest, offerId);
    if (email) await send(app, purchaseEmail(app.site, email, name, app.manifest.site.thankYou, link, download));
    await notify((count) => newSupportEmail(app.site, app.config.creatorEmail!, fan, { kind: 'offer', offer: name }, count, app.manifest.site.fanGoal));
  } else if (kind === 'gift') {
    const amount = priceText(session.amount_total ?? 0, session.currency ?? currency, language);
    if (email) await send(app, giftEmail(app.site, email, amount, app.manifest.site.thankYou, link));
    await notify((count) => newSupportEmail(app.site, app.config.creatorEmail!, fan, { kind: 'gift', amount }, count, app.manifest.site.fanGoal));
  }
};

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

const paymentFailed: EventHandler = async ({ app }, event) => {
  const invoice = event.data.object as Stripe.Invoice;
  const email = invoice.customer_email ?? (await customerEmail(app, invoice.customer));
  await markChanged(app, invoice.customer, event.created);
  if (email) await send(app, paymentFailedEmail(app.site, email, `${app.siteOrigin}${ROUTES.account}`));
};

export const eventHandlers: Readonly<Record<string, EventHandler>> = {
  'checkout.session.completed': checkoutCompleted,
  'customer.subscription.updated': subscriptionUpdated,
  'customer.subscription.deleted': subscriptionDeleted,
  'invoice.payment_failed': paymentFailed,
};
