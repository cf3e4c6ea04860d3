// /v1/invoices: the clock makes them at each renewal; the product lists them (a fan pays an open one on
// its hosted page, pages/invoice.ts).
import { allowOnly, oneOf, str } from '../form.ts';
import { listPage } from '../list.ts';
import { route, type Route } from '../routes.ts';

export const invoiceRoutes: Route[] = [
  route('GET', '/v1/invoices', ({ engine, params, path }) => {
    allowOnly(params, ['customer', 'subscription', 'status', 'collection_method', 'created', 'due_date', 'limit', 'starting_after', 'ending_before', 'customer_account']);
    const customer = str(params, 'customer');
    // Stripe answers a filter naming a customer it does not know with 400 resource_missing, not an empty list.
    if (customer) engine.store.require('customer', customer, 'customer');
    const subscription = str(params, 'subscription');
    const status = oneOf(params, 'status', ['draft', 'open', 'paid', 'uncollectible', 'void'] as const);
    return listPage(engine.store, 'invoice', (invoice) => {
      const parent = invoice.parent as { subscription_details?: { subscription?: string } } | null;
      return (
        (!customer || invoice.customer === customer) &&
        (!subscription || parent?.subscription_details?.subscription === subscription) &&
        (!status || invoice.status === status)
      );
    }, params, path, 'invoice');
  }),
];
