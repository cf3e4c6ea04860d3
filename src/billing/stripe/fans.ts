// One fan, several customers: Stripe makes a new customer for every signed-out checkout, so a fan is an email
// address and what they hold is the union over every customer with it. Finding them ignores letter case
// (Checkout keeps the address as typed) and survives Search's lag and its absence in some regions.

import type Stripe from 'stripe';
import type { FanHoldings, Holding, ReadOptions } from '../../core/billing.ts';
import { hasAny, primaryOf, unionOf } from '../../core/holdings.ts';
import { feedGeneration } from '../../core/tokens/feed.ts';
import { isFollower } from '../../core/follower-marks.ts';
import { RECHECK_TIMEOUT_MS } from './client.ts';
import { isMissing, isTransient } from './faults.ts';
import { readEntitlements } from './entitlements.ts';

/**
 * At most this many customers per email are read (newest first; each costs two list calls). The lookup itself
 * is one search page and up to two list pages of 100, so finding a fan costs at most 3 + 2 x 20 Stripe calls.
 */
export const MAX_CUSTOMERS = 20;

export const normalEmail = (email: string) => email.trim().toLowerCase();

/** The metadata key holding a customer's email in lower case, written after each checkout (see `rememberEmail`). */
export const EMAIL_KEY = 'truefans_email';

const quoted = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** Stripe's search query for one (lower-case) email: the address itself, or the lower-case copy in metadata. */
export function emailQuery(email: string): string {
  return `email:${quoted(email)} OR metadata['${EMAIL_KEY}']:${quoted(email)}`;
}

/**
 * Every customer whose email is `email` in any letter case, newest first. Checkout keeps the address as the
 * fan typed it, `list({ email })` compares exactly, and Stripe's docs do not promise that search ignores
 * case; so after each checkout truefans writes the address in lower case to the customer's metadata, and
 * searches that too. Search is eventually consistent ("data is searchable in under 1 minute", later during
 * outages) and "isn't available to merchants in India" (docs.stripe.com/search), so exact `list({ email })`
 * calls for the typed and the lower-case form are merged in, and a refused or failed search falls back to
 * them alone.
 */
export async function customersByEmail(stripe: Stripe, email: string, log: (line: string) => void, timeout = RECHECK_TIMEOUT_MS): Promise<Stripe.Customer[]> {
  const wanted = normalEmail(email);
  const forms = [...new Set([email.trim(), wanted])];
  const search = stripe.customers.search({ query: emailQuery(wanted), limit: 100 }, { timeout }).then(
    (result) => result.data,
    (error: unknown) => {
      log(`truefans: Stripe customer search ${isTransient(error) ? 'failed' : 'was refused'} (${(error as { statusCode?: number }).statusCode ?? 'no answer'}); finding customers by exact email only.`);
      return [] as Stripe.Customer[];
    },
  );
  const lists = forms.map((form) => stripe.customers.list({ email: form, limit: 100 }, { timeout }).then((result) => result.data));
  const found = new Map<string, Stripe.Customer>();
  for (const customer of (await Promise.all([search, ...lists])).flat()) {
    // Only this exact address counts (a metadata copy may be stale after the fan changed their email).
    if (!customer.deleted && typeof customer.email === 'string' && normalEmail(customer.email) === wanted) found.set(customer.id, customer);
  }
  return [...found.values()].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1)).slice(0, MAX_CUSTOMERS);
}

/** Writes the lower-case copy of a customer's email that `customersByEmail` searches; a no-op when it is there. */
export async function rememberEmail(stripe: Stripe, customer: Stripe.Customer): Promise<void> {
  if (!customer.email) return;
  const lower = normalEmail(customer.email);
  if (customer.metadata?.[EMAIL_KEY] === lower) return;
  await stripe.customers.update(customer.id, { metadata: { [EMAIL_KEY]: lower } });
}

/** What each customer holds; a customer Stripe no longer knows holds nothing. */
export async function readHoldings(stripe: Stripe, customers: readonly string[], options: ReadOptions): Promise<Holding[]> {
  return Promise.all(
    customers.map(async (customer) => {
      try {
        return { customer, ent: await readEntitlements(stripe, customer, options) };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    }),
  ).then((all) => all.filter((h): h is Holding => h !== undefined));
}

/** Everything a verified email holds across its customers. */
export async function readFan(stripe: Stripe, email: string, options: ReadOptions, log: (line: string) => void): Promise<FanHoldings> {
  const customers = await customersByEmail(stripe, email, log, options.timeoutMs);
  const feedGen = Math.max(0, ...customers.map((c) => feedGeneration(c.metadata)));
  const holdings = await readHoldings(stripe, customers.map((c) => c.id), options);
  const ordered = [...holdings.filter((h) => hasAny(h.ent)), ...holdings.filter((h) => !hasAny(h.ent))];
  const follower = customers.some((c) => isFollower(c.metadata));
  return { feedGen, customers: ordered.map((h) => h.customer), primary: primaryOf(holdings), ent: unionOf(holdings, options), holdings, follower };
}

/**
 * After a new subscription: does another customer with the same email (any letter case) already hold an
 * active or trialing subscription to a tier of this site? Then the fan may be paying twice. Only the mailbox
 * may be told (the welcome email): the email typed on Checkout proves nothing, so the completion page never
 * says it, or anyone could learn who is a member by starting a trial with their address.
 */
export async function holdsTierElsewhere(stripe: Stripe, email: string, customer: string, options: ReadOptions, log: (line: string) => void): Promise<boolean> {
  const others = (await customersByEmail(stripe, email, log)).map((c) => c.id).filter((id) => id !== customer);
  if (others.length === 0) return false;
  const holdings = await readHoldings(stripe, others, { ...options, pastDue: 'revoke' });
  return holdings.some((h) => h.ent.tiers.length > 0);
}
