// Every customer of the Stripe account, read once in pages of 100 and indexed by lower-case email, so an
// import or an export costs one list call per 100 customers instead of a lookup per address.

import type Stripe from 'stripe';
import { normalEmail } from '../billing/stripe/fans.ts';

export async function customersByAddress(stripe: Stripe): Promise<Map<string, Stripe.Customer[]>> {
  const index = new Map<string, Stripe.Customer[]>();
  for await (const customer of stripe.customers.list({ limit: 100 })) {
    if (!customer.email) continue;
    const key = normalEmail(customer.email);
    index.set(key, [...(index.get(key) ?? []), customer]);
  }
  return index;
}
