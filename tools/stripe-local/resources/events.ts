// /v1/events: every event the stand-in emitted, newest first; and the payment objects checkout makes.
import { allowOnly, str, strings } from '../form.ts';
import { paginate } from '../list.ts';
import { route, type Route } from '../routes.ts';

export const eventRoutes: Route[] = [
  route('GET', '/v1/events/:id', ({ engine, ids }) => engine.store.require('event', ids[0] ?? '')),
  route('GET', '/v1/events', ({ engine, params, path }) => {
    allowOnly(params, ['type', 'types', 'created', 'delivery_success', 'limit', 'starting_after', 'ending_before']);
    const type = str(params, 'type');
    const types = strings(params, 'types');
    const matches = (eventType: string) => {
      if (types) return types.includes(eventType);
      if (!type) return true;
      if (type.endsWith('*')) return eventType.startsWith(type.slice(0, -1));
      return eventType === type;
    };
    return paginate(engine.store.all('event').filter((event) => matches(String(event.type))), params, path, 'event');
  }),
  route('GET', '/v1/payment_intents/:id', ({ engine, ids }) => engine.store.require('payment_intent', ids[0] ?? '')),
  route('GET', '/v1/payment_intents', ({ engine, params, path }) => {
    allowOnly(params, ['customer', 'created', 'limit', 'starting_after', 'ending_before', 'customer_account']);
    const customer = str(params, 'customer');
    const all = engine.store.all('payment_intent').filter((intent) => !customer || intent.customer === customer);
    return paginate(all, params, path, 'payment_intent');
  }),
  route('GET', '/v1/payment_methods/:id', ({ engine, ids }) => engine.store.require('payment_method', ids[0] ?? '')),
  route('GET', '/v1/customers/:id/payment_methods', ({ engine, ids, params, path }) => {
    allowOnly(params, ['type', 'allow_redisplay', 'limit', 'starting_after', 'ending_before']);
    const customer = engine.store.require('customer', ids[0] ?? '');
    const all = engine.store.all('payment_method').filter((method) => method.customer === customer.id);
    return paginate(all, params, path, 'payment_method');
  }),
];
