// Fans as the contract makes them and as they use the site: a paying customer set up through Stripe's API
// (what real Stripe allows without a person on the hosted page), and a browser that starts checkouts, signs
// in by emailed link and opens gated pages through the real edge handler.

import { expect } from 'vitest';
import type Stripe from 'stripe';
import { lookupKey } from '../../src/core/manifest.ts';
import { rememberEmail } from '../../src/billing/stripe/fans.ts';
import { cookieHeader, cookiesFrom, form, request } from '../core/helpers/handler.ts';
import type { Backend } from './backends.ts';
import { gatedPage, type Site } from './site.ts';
import { ROUTES } from '../../src/core/paths.ts';

export async function priceFor(backend: Backend, key: string): Promise<Stripe.Price> {
  const price = (await backend.stripe.prices.list({ lookup_keys: [key], active: true, limit: 1 })).data[0];
  if (!price) throw new Error(`stripe:sync made no active price ${key}`);
  return price;
}

export const tierKey = (backend: Backend, index: number, interval: 'month' | 'year') => lookupKey.tier(backend.site.tiers[index]!.id, interval);

/**
 * A customer who subscribed: made with the API calls a server uses (Stripe's types: CustomerCreateParams,
 * PaymentMethodAttachParams, SubscriptionCreateParams), paying with the test PaymentMethod `pm_card_visa`.
 * Attaching it makes a new PaymentMethod, whose id the subscription then charges. `rememberEmail` is what the
 * checkout webhook does for every customer Checkout makes (src/core/routes/webhook-events.ts).
 */
export async function subscribedCustomer(backend: Backend, email: string, priceKey: string): Promise<{ customer: Stripe.Customer; subscription: Stripe.Subscription }> {
  const { stripe } = backend;
  const customer = await stripe.customers.create({ email, name: 'Contract Fan' });
  backend.madeCustomer(customer.id);
  const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
  expect(method.id).not.toBe('pm_card_visa');
  expect(method.customer).toBe(customer.id);
  const price = await priceFor(backend, priceKey);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    default_payment_method: method.id,
    // Fail loudly rather than leave an incomplete subscription behind.
    payment_behavior: 'error_if_incomplete',
  });
  expect(subscription.status).toBe('active');
  await rememberEmail(stripe, customer);
  return { customer, subscription };
}

/** A browser on the site: its cookies, and the site's real edge handler. */
export class Browser {
  cookies = new Map<string, string>();
  private readonly site: Site;
  constructor(site: Site) {
    this.site = site;
  }

  get cookie(): string {
    return cookieHeader(this.cookies);
  }

  keep(response: Response): Response {
    for (const [name, value] of cookiesFrom(response)) this.cookies.set(name, value);
    return response;
  }

  async get(path: string): Promise<Response> {
    return this.keep(await this.site.handle(request(path, { cookie: this.cookie })));
  }

  async post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.keep(await this.site.handle(form(path, fields, { cookie: this.cookie })));
  }

  /** Whether a gated page shows this browser its members-only part. */
  async opens(access: string): Promise<boolean> {
    const { path, marker } = gatedPage(access);
    const response = await this.get(path);
    expect(response.status).toBe(200);
    return (await response.text()).includes(marker);
  }

  /** Asks for a sign-in link as `typed`, and follows it (link, confirm button) like a fan. */
  async signIn(typed: string): Promise<void> {
    const before = this.site.outbox.length;
    const asked = await this.post(ROUTES.signIn, { email: typed, return_to: '/' });
    expect(asked.status).toBe(200);
    const mail = this.site.outbox.slice(before).find((m) => m.kind === 'sign-in');
    if (!mail) throw new Error(`No sign-in link was sent to ${typed}. Log: ${this.site.logs.join(' | ')}`);
    expect(mail.to).toBe(typed);
    const link = /https:\/\/\S+\/_truefans\/signin\/confirm\?token=[^\s"<>]+/.exec(mail.text)?.[0];
    if (!link) throw new Error('The sign-in email holds no link.');
    const token = decodeURIComponent(new URL(link).searchParams.get('token') ?? '');
    expect((await this.get(new URL(link).pathname + new URL(link).search)).status).toBe(200);
    const confirmed = await this.post(ROUTES.signInConfirm, { token });
    expect(confirmed.status).toBe(303);
  }
}
