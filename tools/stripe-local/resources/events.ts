// /v1/events: every event the stand-in emitted, newest first.
import { allowOnly, str, strings } from '../form.ts';
import { createdFilter, paginate } from '../list.ts';
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
    const created = createdFilter(params);
    return paginate(engine.store.all('event').filter((event) => matches(String(event.type)) && created(event)), params, path, 'event');
  }),
];
