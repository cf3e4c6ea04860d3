// Free followers on Stripe: a follower is a customer with `truefans_follower = "yes"` and the time they
// confirmed; post emails are off for a customer with `truefans_post_emails = "off"` (the marks are in
// src/core/follower-marks.ts). Stripe is the only record, so these marks are all there is.

import type Stripe from 'stripe';
import { FOLLOWED_AT_KEY, FOLLOWER_KEY, isFollower, POST_EMAILS_KEY, postEmailsOn } from '../../core/follower-marks.ts';
import { customersByEmail, EMAIL_KEY, normalEmail } from './fans.ts';


/**
 * The metadata that makes a customer a follower; empty when it already is one. `reopen` (a fresh double
 * opt-in) also turns post emails back on; an import never does, so it cannot undo an unsubscribe.
 */
export function followerMarks(metadata: Record<string, string>, email: string, followedAt: number, options: { reopen: boolean; extra?: Record<string, string> }): Record<string, string> {
  const marks: Record<string, string> = {};
  if (!isFollower(metadata)) {
    marks[FOLLOWER_KEY] = 'yes';
    for (const [key, value] of Object.entries(options.extra ?? {})) if (metadata[key] !== value) marks[key] = value;
  }
  // The first confirmation's time is kept: it is when they started following.
  if (!metadata[FOLLOWED_AT_KEY]) marks[FOLLOWED_AT_KEY] = String(followedAt);
  if (metadata[EMAIL_KEY] !== email) marks[EMAIL_KEY] = email;
  // Stripe deletes a metadata key sent with an empty value (docs.stripe.com/metadata: "unset individual keys
  // by posting an empty value"), which is how post emails go back on.
  if (options.reopen && !postEmailsOn(metadata)) marks[POST_EMAILS_KEY] = '';
  return marks;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The idempotency key for creating the follower customer of an email. Two confirmations racing both miss
 * the customer (the other's create is not yet visible to search, which lags up to a minute) and both create:
 * with one key Stripe makes one customer and replays it to the other ("Idempotency keys ... expire after
 * 24 hours", up to 255 characters: docs.stripe.com/api/idempotent_requests). It is a hash, so the address
 * itself is not in a request header.
 */
export async function followIdempotencyKey(email: string): Promise<string> {
  return `truefans-follow-${await sha256Hex(normalEmail(email))}`;
}

function isIdempotencyConflict(error: unknown): boolean {
  // A key reused with other parameters (the racer confirmed a second later, with another followed_at) is
  // refused with type `idempotency_error`; a key still in flight answers 409. Either way the other request
  // is making the customer.
  const e = error as { type?: string; rawType?: string; statusCode?: number } | null;
  return e?.type === 'StripeIdempotencyError' || e?.rawType === 'idempotency_error' || e?.statusCode === 409;
}

/** Marks each customer as a follower of `email` (lower case); returns how many it changed. */
export async function markFollowers(stripe: Stripe, customers: readonly Stripe.Customer[], email: string, nowMs: number, options: { reopen: boolean; extra?: Record<string, string> }): Promise<number> {
  let changed = 0;
  for (const c of customers) {
    const marks = followerMarks(c.metadata ?? {}, email, Math.floor(nowMs / 1000), options);
    if (Object.keys(marks).length) {
      await stripe.customers.update(c.id, { metadata: marks });
      changed += 1;
    }
  }
  return changed;
}

/**
 * Creates the follower customer of an email nobody has yet, under the email's idempotency key. When a racer
 * holds the key (or used it with other parameters), its customer is marked instead: `created` is false.
 */
export async function createFollower(stripe: Stripe, email: string, nowMs: number, options: { reopen: boolean; extra?: Record<string, string> }): Promise<{ created: boolean }> {
  const wanted = normalEmail(email);
  try {
    await stripe.customers.create(
      { email: wanted, metadata: { [EMAIL_KEY]: wanted, [FOLLOWER_KEY]: 'yes', [FOLLOWED_AT_KEY]: String(Math.floor(nowMs / 1000)), ...options.extra } },
      { idempotencyKey: await followIdempotencyKey(wanted) },
    );
    return { created: true };
  } catch (error) {
    if (!isIdempotencyConflict(error)) throw error;
    // `list({ email })` is read straight from Stripe's records (no search lag), so the racer's customer is there.
    await markFollowers(stripe, (await stripe.customers.list({ email: wanted, limit: 100 })).data, wanted, nowMs, options);
    return { created: false };
  }
}

/** A confirmed follow (double opt-in): every customer of the email is marked, or one is made. */
export async function follow(stripe: Stripe, email: string, nowMs: number, log: (line: string) => void): Promise<{ created: boolean }> {
  const wanted = normalEmail(email);
  const existing = await customersByEmail(stripe, wanted, log);
  if (existing.length) {
    await markFollowers(stripe, existing, wanted, nowMs, { reopen: true });
    return { created: false };
  }
  return createFollower(stripe, wanted, nowMs, { reopen: true });
}

async function setOn(stripe: Stripe, customer: Stripe.Customer, on: boolean): Promise<void> {
  if (postEmailsOn(customer.metadata) === on) return;
  await stripe.customers.update(customer.id, { metadata: { [POST_EMAILS_KEY]: on ? '' : 'off' } });
}

export async function setPostEmails(stripe: Stripe, who: { email: string } | { customers: readonly string[] }, on: boolean, log: (line: string) => void): Promise<void> {
  if ('email' in who) {
    for (const customer of await customersByEmail(stripe, who.email, log)) await setOn(stripe, customer, on);
    return;
  }
  for (const id of who.customers) {
    const customer = await stripe.customers.retrieve(id);
    if (!customer.deleted) await setOn(stripe, customer, on);
  }
}
