// The Billing port: everything the routes ask of the payment provider, in the core's own plain types. The
// core decides (what to email, when to refuse, which session is verified); an implementation outside the
// core (src/billing/stripe/) only says how the provider does it. Failures cross as BillingErrors.

import type { Entitlements } from './access.ts';
import type { EdgeConfig, PastDuePolicy } from './env.ts';
import { Errors, TruefansError } from './errors.ts';
import type { LegacyTiers } from './holdings.ts';

export interface ReadOptions {
  pastDue: PastDuePolicy;
  /** The site's tier and offer ids; anything else is left out of the cookie. */
  tierIds: readonly string[];
  offerIds: readonly string[];
  /** Stripe products and prices from elsewhere that count as a tier (src/core/holdings.ts). */
  also?: LegacyTiers;
  timeoutMs?: number;
}

export interface Holding {
  customer: string;
  ent: Entitlements;
}

export interface FanHoldings {
  /** The fan's private feed generation: the highest `truefans_feed_gen` on any of their customers. */
  feedGen: number;
  /** Newest first, holders first; at most MAX_CUSTOMERS. */
  customers: string[];
  primary: string | undefined;
  ent: Entitlements;
  holdings: Holding[];
  /** Some customer with this email follows the site for free (`truefans_follower`). */
  follower: boolean;
}

export interface Membership {
  /** The customer whose subscription this is (a verified fan may have several). */
  customer: string;
  subscription: string;
  /** The subscription item that holds the tier (the one a plan change updates). */
  item: string;
  tier: string;
  interval: 'month' | 'year';
  /** Minor units, per interval. */
  amount: number;
  currency: string;
  /** The provider's subscription status (active, trialing, past_due, unpaid, canceled, paused, incomplete...). */
  status: string;
  /** Grants access now (by the same table the gate uses). */
  live: boolean;
  /** Seconds: the next charge, for a live membership that renews. */
  renewsAt: number | undefined;
  /** Seconds: the end of a trial. */
  trialEnd: number | undefined;
  /** Seconds: a cancellation that takes effect later ("ends on ..."). */
  endsAt: number | undefined;
  /** Seconds: when a membership that is over ended. */
  endedAt: number | undefined;
}

export interface Purchase {
  offer: string;
  /** Seconds. */
  boughtAt: number;
}

export interface Account {
  email: string | undefined;
  memberships: Membership[];
  purchases: Purchase[];
}

export interface CustomerRecord {
  deleted: boolean;
  email: string | undefined;
  /** The name the fan gave at checkout, for the creator's notes. */
  name: string | undefined;
  metadata: Record<string, string>;
}

export interface PriceRecord {
  id: string;
  /** Minor units; null for a price without a fixed amount. */
  amount: number | null;
  currency: string;
  /** The recurring interval, undefined for a one-time price. */
  interval: string | undefined;
}

export interface SubscriptionRecord {
  id: string;
  status: string;
  /** Seconds, or undefined. */
  trialEnd: number | undefined;
  /** The first item: its amount (unit x quantity, minor units) and interval. */
  firstItem: { amount: number; interval: string | undefined } | undefined;
  /** Whether this subscription is one of the site's (a truefans tier price or `truefans_tier` metadata). */
  site: boolean;
  /** Seconds: when the membership began (the provider's start date). */
  startDate: number;
}

/** A Checkout Session as the core reads it. */
export interface CheckoutRecord {
  id: string;
  status: string | null;
  paymentStatus: string;
  mode: string;
  /** Seconds. */
  created: number;
  /** The customer's id; undefined for none (or a deleted one). */
  customer: string | undefined;
  metadata: Record<string, string>;
  amountTotal: number | null;
  currency: string | null;
  /** What the fan typed on Checkout (proves nothing about the mailbox). */
  email: string | undefined;
  name: string | undefined;
  subscriptionId: string | undefined;
  /** The subscription, when it was read with the checkout (`readCheckout`), else undefined. */
  subscription: SubscriptionRecord | undefined;
  /** A one-time payment whose charge was fully refunded or disputed (when the charge was read). */
  moneyReturned: boolean;
  /** What the fan typed in Checkout's supporter-wall field (wall.ts WALL_FIELD), uncleaned; undefined if nothing. */
  wallName: string | undefined;
}

/** What the core asks for when it starts a checkout. */
export interface CheckoutStart {
  mode: 'subscription' | 'payment';
  /** Stripe Tax; `saveAddress` also saves the address on a known customer (which Stripe then requires). */
  tax: { saveAddress: boolean } | undefined;
  successUrl: string;
  cancelUrl: string;
  metadata: Record<string, string>;
  /** Text beside the pay button (Markdown links allowed). */
  submitMessage: string | undefined;
  /** Buy as this customer; otherwise a new one is made (always, for a one-time payment). */
  customer: string | undefined;
  item: { price: string } | { amount: number; currency: string; productName: string; taxBehavior: 'inclusive' | 'exclusive' | undefined };
  /** For a subscription: its metadata and trial. */
  subscription?: { metadata: Record<string, string>; trialDays: number | undefined };
  /** For a payment: the payment's metadata. */
  paymentMetadata?: Record<string, string>;
  /** Ask for an optional name for the supporter wall (Checkout's custom fields). */
  wallField?: { key: string; label: string; maxLength: number };
}

/** One name on the supporter wall and the tier of the membership it stands with. */
export interface WallEntry {
  tier: string;
  name: string;
}

/** A site subscription as the weekly digest counts it (digest.ts). Times in seconds, amount in minor units per interval. */
export interface DigestSubscription {
  customer: string;
  status: string;
  startDate: number;
  endedAt: number | undefined;
  trialEnd: number | undefined;
  amount: number;
  interval: string | undefined;
}

export interface PortalRequest {
  customer: string;
  returnUrl: string;
  configuration: string | undefined;
  /** Straight to the confirmation of one plan change, then to `doneUrl`. */
  planChange?: { subscription: string; item: string; price: string; doneUrl: string };
}

/** A gift membership to give: the recipient's subscription at the tier's price, free until `until`, never charged. */
export interface GiftGrant {
  /** The gift's paid Checkout Session: it names the subscription (metadata) and keys its creation, once. */
  session: string;
  customer: string;
  price: string;
  tier: string;
  /** Seconds: the trial and the subscription end here. */
  until: number;
}

/** A subscription as an event shows it: enough for the creator's notes on a change of tier or a goodbye. */
export interface SubscriptionChange {
  id: string;
  status: string;
  /** The site tier it holds now (its first item's price, else its `truefans_tier` metadata). */
  tier: string | undefined;
  /** The tier it held before, when this event changed its price (the provider's previous attributes). */
  previousTier: string | undefined;
  /** The gift checkout this subscription was given from (`truefans_gift`), if it is a gift. */
  gift?: string | undefined;
  /** Seconds: the end of its trial (a gift's end). */
  trialEnd?: number | undefined;
  /** Seconds: when the membership began, and when it ended. */
  startDate: number;
  endedAt: number | undefined;
  /** Why it ended: the provider's reason, and the fan's own choice and words from the billing portal. */
  cancellation: { reason: string | undefined; feedback: string | undefined; comment: string | undefined };
}

/** The events the core acts on, decoded; `type` is the provider's event type, `created` in seconds. */
export type BillingEvent = { id: string; type: string; created: number } & (
  | { kind: 'checkout'; checkout: CheckoutRecord }
  | { kind: 'subscription'; customer: string | undefined; site: boolean; subscription: SubscriptionChange }
  /** `site` undefined: ask `isSiteSubscription(subscription)`. */
  | {
      kind: 'invoice';
      customer: string | undefined;
      email: string | undefined;
      site: boolean | undefined;
      subscription: string | undefined;
      /** Why the invoice was made (`subscription_cycle` for a renewal), and the start of the period it bills (seconds). */
      billingReason: string | undefined;
      periodStart: number | undefined;
    }
  /** `paymentIntent`: the payment the charge belongs to (a gift's checkout is found by it). */
  | { kind: 'charge'; customer: string | undefined; paymentIntent?: string | undefined }
  /** The charge's customer when the event carries it, else the charge's id to read it from. */
  | { kind: 'dispute'; customer: string | undefined; charge: string | undefined }
  | { kind: 'other' }
);

export interface Billing {
  /** What one customer holds. A customer the provider no longer knows throws a BillingError with `missing`. */
  entitlements(customer: string, options: ReadOptions): Promise<Entitlements>;
  /** What each customer holds; a customer the provider no longer knows is left out. */
  holdings(customers: readonly string[], options: ReadOptions): Promise<Holding[]>;
  /** Everything a verified email holds across its customers (found ignoring letter case). */
  fan(email: string, options: ReadOptions, log: (line: string) => void): Promise<FanHoldings>;
  /** Whether another customer with this email holds an active or trialing tier of the site. */
  holdsTierElsewhere(email: string, customer: string, options: ReadOptions, log: (line: string) => void): Promise<boolean>;
  memberships(customer: string, options: ReadOptions): Promise<Membership[]>;
  account(customers: readonly string[], options: ReadOptions, verifiedEmail?: string): Promise<Account>;
  customer(customer: string): Promise<CustomerRecord>;
  /** Merges metadata into the customer's (keys not sent are kept). */
  setCustomerMetadata(customer: string, metadata: Record<string, string>): Promise<void>;
  /** Writes the lower-case copy of the customer's email that the lookup searches; a no-op when it is there. */
  rememberEmail(customer: string): Promise<void>;
  /**
   * Records a confirmed follower: marks every customer with this email (any letter case) as following and
   * turns their post emails on, or creates one customer for an unknown email. Idempotent, and two calls at
   * once for one unknown email make one customer. `created` says whether a customer was made.
   */
  follow(email: string, nowMs: number, log: (line: string) => void): Promise<{ created: boolean }>;
  /** Turns post emails on or off on every customer of an email (found ignoring letter case), or on these customers. */
  setPostEmails(who: { email: string } | { customers: readonly string[] }, on: boolean, log: (line: string) => void): Promise<void>;
  /** The active price with this lookup key, or undefined. */
  findPrice(lookupKey: string): Promise<PriceRecord | undefined>;
  /** Starts a checkout; the URL to send the fan to (null if the provider gave none). */
  startCheckout(start: CheckoutStart): Promise<{ url: string | null }>;
  /** A checkout with its subscription and charge; missing throws a BillingError with `missing`. */
  readCheckout(id: string): Promise<CheckoutRecord>;
  /** Reads a checkout fresh, without its subscription or charge (for the marks and payment status). */
  checkoutMarks(id: string): Promise<CheckoutRecord>;
  /** Writes one metadata mark on a checkout. */
  markCheckout(id: string, mark: string, value: string): Promise<void>;
  subscription(id: string): Promise<SubscriptionRecord>;
  /** The customer of a charge. */
  chargeCustomer(charge: string): Promise<string | undefined>;
  /** Fans toward the goal: distinct customers with an active or trialing site subscription, capped. */
  /** `also`: Stripe products and prices from elsewhere that count as a tier (manifest `tiers[].also`). */
  countFans(also?: LegacyTiers): Promise<{ fans: number; atLeast: boolean }>;
  /** The names members chose for the supporter wall (`truefans_wall_name`), with their tier; capped like countFans. */
  supporterWall(also?: LegacyTiers): Promise<{ entries: WallEntry[]; atLeast: boolean }>;
  /**
   * The site's subscriptions for the weekly digest: every current one (active, trialing, past due; capped
   * like countFans, then `atLeast`) and those that ended at or after `since` (seconds).
   */
  digestSubscriptions(since: number): Promise<{ current: DigestSubscription[]; ended: DigestSubscription[]; atLeast: boolean }>;
  /** The weekly digest's once-only mark, read fresh from the site's portal configuration; undefined when there is none. */
  digestMark(siteOrigin: string): Promise<{ configuration: string; week: string | undefined } | undefined>;
  /** Writes the week the digest went out for on that portal configuration. */
  markDigest(configuration: string, week: string): Promise<void>;
  /** The site's billing portal configuration, marked with this origin (else any truefans one, else undefined). */
  portalConfiguration(siteOrigin: string): Promise<string | undefined>;
  /** Opens the billing portal; the URL to send the fan to. */
  openPortal(request: PortalRequest): Promise<string>;
  /** The newest customer with this email (any letter case), or one made for it (one however many calls race). */
  customerFor(email: string, log: (line: string) => void): Promise<string>;
  /**
   * Gives a gift membership, once per gift session: the subscription already made for this session on this
   * customer, or a new one; `taken` when the session's gift went to another customer.
   */
  giveMembership(grant: GiftGrant): Promise<{ subscription: string } | { taken: true }>;
  /** Cancels a subscription now (a refunded gift); one already ended is left alone. */
  endSubscription(id: string): Promise<void>;
  /** The Checkout Session that took this payment, if one did. */
  checkoutOfPayment(paymentIntent: string): Promise<CheckoutRecord | undefined>;
  /** Complete gift checkouts created since `sinceSeconds` (newest first, capped), for scheduled delivery. */
  giftCheckouts(sinceSeconds: number): Promise<CheckoutRecord[]>;
  /** Verifies a webhook's signature (throws anything on a bad one) and decodes its event. */
  verifyEvent(body: string, signature: string, secret: string, toleranceSeconds: number, nowMs: number): Promise<BillingEvent>;
}

/** Makes the billing from the parsed configuration and the platform's fetch; adapters pass one in. */
export type BillingFactory = (config: EdgeConfig, fetchImpl: typeof fetch) => Billing;

/**
 * A provider failure crossing the port: `transient` (5xx, 429, a timeout, no connection: a grace period
 * absorbs it) or a refusal; `missing` when the provider no longer knows the object. `status` is the
 * provider's answer in brackets for the log, e.g. " (HTTP 500)".
 */
export class BillingError extends TruefansError {
  readonly transient: boolean;
  readonly missing: boolean;
  readonly status: string;
  readonly httpStatus: number | undefined;

  constructor(fault: { transient: boolean; missing: boolean; status: string; httpStatus?: number; detail?: string; what?: string }) {
    const params = { what: fault.what, status: fault.status, httpStatus: fault.httpStatus };
    if (fault.transient) super(Errors.StripeUnavailable, params, { detail: fault.detail });
    else super(Errors.StripeRefused, params, { detail: fault.detail });
    this.transient = fault.transient;
    this.missing = fault.missing;
    this.status = fault.status;
    this.httpStatus = fault.httpStatus;
  }
}

export function isTransient(error: unknown): boolean {
  if (error instanceof BillingError) return error.transient;
  // fetch's own network errors and aborts, if they ever escape the billing.
  return error instanceof TypeError || (error as Error | null)?.name === 'AbortError' || (error as Error | null)?.name === 'TimeoutError';
}

/** The provider no longer knows the object (a customer deleted, test keys swapped for live ones). */
export function isMissing(error: unknown): boolean {
  return error instanceof BillingError && error.missing;
}

/** Names what the core was doing when the provider failed, for the one place that turns errors into responses. */
export function stripeFailure(error: unknown, what: string): TruefansError {
  if (error instanceof BillingError) {
    return new BillingError({ transient: error.transient, missing: error.missing, status: error.status, what, ...(error.httpStatus ? { httpStatus: error.httpStatus } : {}), ...(error.detail ? { detail: error.detail } : {}) });
  }
  return new BillingError({ transient: isTransient(error), missing: false, status: '', what });
}
