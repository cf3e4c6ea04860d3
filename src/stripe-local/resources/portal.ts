// /v1/billing_portal/sessions: a short-lived link to the hosted portal for one customer.
import type { Engine } from '../engine.ts';
import { invalidParam } from '../errors.ts';
import { allowOnly, requiredStr, str } from '../form.ts';
import { newId } from '../ids.ts';
import { route, type Route } from '../routes.ts';
import { portalSessionShape } from '../shapes.ts';

export const portalRoutes: Route[] = [
  route('POST', '/v1/billing_portal/sessions', ({ engine, params }) => {
    allowOnly(params, ['customer', 'return_url', 'configuration', 'flow_data', 'locale', 'on_behalf_of', 'customer_account']);
    const customer = engine.store.require('customer', requiredStr(params, 'customer'), 'customer');
    const returnUrl = str(params, 'return_url') || null;
    if (returnUrl) {
      try {
        new URL(returnUrl);
      } catch {
        throw invalidParam('return_url', 'Not a valid URL', 'url_invalid');
      }
    }
    const id = newId('bps');
    const session = portalSessionShape({
      now: engine.now(),
      id,
      customer: customer.id,
      returnUrl,
      url: portalUrl(engine, id),
      locale: str(params, 'locale') || null,
    });
    engine.store.put(session);
    return session;
  }),
];

export function portalUrl(engine: Engine, id: string): string {
  return `${engine.baseUrl}/p/session/${id}`;
}
