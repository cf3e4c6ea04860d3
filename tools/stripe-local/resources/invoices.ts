// /v1/invoices: the clock makes them at each renewal; list, retrieve, lines, and pay (402 when the card fails).
import { retryOpenInvoice } from '../billing.ts';
import { cardDeclined, invalidRequest } from '../errors.ts';
import { allowOnly, oneOf, str } from '../form.ts';
import { paginate } from '../list.ts';
import { route, type Route } from '../routes.ts';

export const invoiceRoutes: Route[] = [
  route('GET', '/v1/invoices', ({ engine, params, path }) => {
    allowOnly(params, ['customer', 'subscription', 'status', 'collection_method', 'created', 'due_date', 'limit', 'starting_after', 'ending_before', 'customer_account']);
    const customer = str(params, 'customer');
    // Stripe answers a filter naming a customer it does not know with 400 resource_missing, not an empty list.
    if (customer) engine.store.require('customer', customer, 'customer');
    const subscription = str(params, 'subscription');
    const status = oneOf(params, 'status', ['draft', 'open', 'paid', 'uncollectible', 'void'] as const);
    const all = engine.store.all('invoice').filter((invoice) => {
      const parent = invoice.parent as { subscription_details?: { subscription?: string } } | null;
      return (
        (!customer || invoice.customer === customer) &&
        (!subscription || parent?.subscription_details?.subscription === subscription) &&
        (!status || invoice.status === status)
      );
    });
    return paginate(all, params, path, 'invoice');
  }),
  route('GET', '/v1/invoices/:id', ({ engine, ids }) => engine.store.require('invoice', ids[0] ?? '')),
  route('GET', '/v1/invoices/:id/lines', ({ engine, ids, params, path }) => {
    const invoice = engine.store.require('invoice', ids[0] ?? '');
    return paginate((invoice.lines as { data: never[] }).data, params, path, 'line item');
  }),
  route('POST', '/v1/invoices/:id/pay', ({ engine, ids, params }) => {
    allowOnly(params, ['forgive', 'mandate', 'off_session', 'paid_out_of_band', 'payment_method', 'source']);
    const invoice = engine.store.require('invoice', ids[0] ?? '');
    if (invoice.status !== 'open') throw invalidRequest('Invoice is already paid', 'invoice');
    if (!retryOpenInvoice(engine, invoice)) throw cardDeclined('Your card was declined.', 'generic_decline');
    return invoice;
  }),
];
