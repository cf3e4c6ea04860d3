// The creator's notes on a member's change of tier and goodbye, and the anniversary thank-you to the fan. Stripe delivers an event more than once
// (and retries after a failure), so each note goes out once: a mark on the fan's Stripe customer
// (`truefans_notes_sent`, the latest few notes' tokens) is read fresh before sending and written after,
// the same once-only pattern as the checkout's marks (Stripe is the record; no store needed).

import type { BillingEvent, CustomerRecord } from '../billing.ts';
import { tierName, type App } from '../context.ts';
import { anniversaryEmail, fanLeftEmail, planChangeEmail, type NoteFan } from '../email/notes.ts';
import { send } from '../email/send.ts';
import type { EmailMessage } from '../ports.ts';
import { cancellationReason, tenureText, wholeMonths } from '../tenure.ts';

export const NOTES_MARK = 'truefans_notes_sent';
/** Tokens kept in the mark: Stripe's metadata values hold 500 characters; a token is at most 34. */
const KEEP = 14;

type SubscriptionEvent = Extract<BillingEvent, { kind: 'subscription' }>;

export function noteFan(record: CustomerRecord): NoteFan {
  return { name: record.name?.trim() || record.email || 'A fan', email: record.email };
}

/**
 * Sends what `build` makes for this customer unless their mark holds `token`, then adds the token. A fault
 * reading or marking the customer is thrown (a transient one makes Stripe retry; the mark keeps the retry
 * from sending twice); the email provider's failure is logged by `send`.
 */
export async function sendOnceFor(app: App, customer: string, token: string, build: (fan: CustomerRecord) => EmailMessage | undefined | Promise<EmailMessage | undefined>): Promise<void> {
  if (!app.mailer) return;
  const record = await app.billing.customer(customer);
  if (record.deleted) return;
  const tokens = (record.metadata[NOTES_MARK] ?? '').split(' ').filter(Boolean);
  if (tokens.includes(token)) return;
  const message = await build(record);
  if (!message) return;
  if (await send(app, { ...message, idempotencyKey: `${NOTES_MARK}-${token}` })) {
    await app.billing.setCustomerMetadata(customer, { [NOTES_MARK]: [...tokens, token].slice(-KEEP).join(' ') });
  }
}

const rank = (app: App, tier: string) => app.manifest.tiers.findIndex((t) => t.id === tier);

/** A member moved between two of the site's tiers: the creator hears which way, once per event. */
export async function notePlanChange(app: App, event: SubscriptionEvent): Promise<void> {
  const creator = app.config.creatorEmail;
  const { tier, previousTier } = event.subscription;
  if (!creator || !event.site || !event.customer || !tier || !previousTier || tier === previousTier) return;
  if (rank(app, tier) < 0 || rank(app, previousTier) < 0) return;
  await sendOnceFor(app, event.customer, `c:${event.id}`, (record) =>
    planChangeEmail(app.site, creator, noteFan(record), { from: tierName(app.manifest, previousTier), to: tierName(app.manifest, tier), up: rank(app, tier) > rank(app, previousTier) }),
  );
}

/** A membership ended: who, in which tier, for how long, and why, once per subscription. */
export async function noteGoodbye(app: App, event: SubscriptionEvent): Promise<void> {
  const creator = app.config.creatorEmail;
  const sub = event.subscription;
  if (!creator || !event.site || !event.customer || !sub.tier) return;
  // A checkout left unpaid expires as `incomplete_expired`: that fan never joined, so never left.
  if (sub.status !== 'canceled') return;
  const tier = sub.tier;
  await sendOnceFor(app, event.customer, `l:${sub.id}`, async (record) =>
    fanLeftEmail(
      app.site,
      creator,
      noteFan(record),
      { tier: tierName(app.manifest, tier), tenure: tenureText(sub.startDate, sub.endedAt ?? event.created), reason: cancellationReason(sub.cancellation), comment: sub.cancellation.comment?.trim() || undefined },
      await app.billing.countFans(app.legacyTiers),
      app.manifest.site.fanGoal,
    ),
  );
}

/**
 * The anniversary thank-you, on a renewal (`billing_reason: subscription_cycle`) whose billed period starts
 * a whole number of years after the membership began: every yearly renewal, and every twelfth monthly one.
 * Once per year per subscription (token `a<years>:<subscription>`), in the words of site.yaml `anniversary`.
 */
export async function noteAnniversary(app: App, event: Extract<BillingEvent, { kind: 'invoice' }>): Promise<void> {
  const words = app.manifest.site.anniversary;
  if (!words || event.billingReason !== 'subscription_cycle' || !event.subscription || !event.customer || event.periodStart === undefined) return;
  const sub = await app.billing.subscription(event.subscription);
  if (!sub.site) return;
  const months = wholeMonths(sub.startDate, event.periodStart);
  if (months < 12 || months % 12 !== 0) return;
  const years = months / 12;
  await sendOnceFor(app, event.customer, `a${years}:${sub.id}`, (record) => {
    const to = record.email ?? event.email;
    return to ? anniversaryEmail(app.site, to, years, words, `${app.siteOrigin}/`) : undefined;
  });
}
