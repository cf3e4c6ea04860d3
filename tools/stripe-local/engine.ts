// The stand-in's shared state of the world: the store, the clock, the events it emits and the webhooks
// that carry them. Routes and hosted pages act through it; billing runs on its clock.
import type { Clock } from './clock.ts';
import type { Expander } from './expand.ts';
import { eventShape, planFromPrice } from './shapes.ts';
import type { Store, StripeObject } from './state.ts';
import type { WebhookQueue, WebhookTarget } from './webhooks.ts';

export const API_VERSION = '2026-10-28.endive';

export class Engine {
  readonly store: Store;
  readonly clock: Clock;
  readonly webhooks: WebhookQueue;
  baseUrl = '';
  target: WebhookTarget | undefined;
  /** The request that caused what happens now, for `event.request`. */
  request: { id: string | null; idempotency_key: string | null } | null = null;
  /** Search's indexing lag: objects created less than this many seconds ago are not found by search yet. */
  searchLagSeconds = 0;
  /** As for an account in India, where Stripe offers no search: every search is refused. */
  searchUnavailable = false;
  #at: number | undefined;

  constructor(store: Store, clock: Clock, webhooks: WebhookQueue, target: WebhookTarget | undefined) {
    this.store = store;
    this.clock = clock;
    this.webhooks = webhooks;
    this.target = target;
  }

  /** Unix seconds: the clock, or the moment a due renewal happened while the clock is being advanced. */
  now(): number {
    return this.#at ?? this.clock.nowSec();
  }

  /** Runs `fn` as if it were `sec` o'clock, so what it creates carries that time. */
  at<T>(sec: number, fn: () => T): T {
    const previous = this.#at;
    this.#at = sec;
    try {
      return fn();
    } finally {
      this.#at = previous;
    }
  }

  /** Records an event (snapshotting the object as presented now) and queues it for the webhook. */
  emit(type: string, object: StripeObject, previousAttributes?: Record<string, unknown>): StripeObject {
    const event = eventShape({
      now: this.now(),
      type,
      apiVersion: API_VERSION,
      object: this.present(object),
      previousAttributes,
      request: this.request,
      pendingWebhooks: this.target ? 1 : 0,
    });
    this.store.put(event);
    if (this.target) this.webhooks.enqueue(event, this.target);
    return event;
  }

  /** A copy ready to return: prices filled into subscription items and checkout line items. */
  present(object: StripeObject): StripeObject {
    const copy = structuredClone(object);
    if (copy.object === 'subscription') {
      const items = (copy.items as { data: StripeObject[] }).data;
      for (const item of items) {
        const price = this.store.get('price', String(item.price));
        if (price) {
          item.price = structuredClone(price);
          item.plan = planFromPrice(price);
        }
      }
    } else if (copy.object === 'item') {
      const price = this.store.get('price', String(copy.price));
      if (price) copy.price = structuredClone(price);
    }
    return copy;
  }

  expander(): Expander {
    return {
      resolve: (id) => {
        const found = this.store.find(id);
        return found ? this.present(found) : undefined;
      },
      include: (owner, field) => {
        if (owner.object === 'checkout.session' && field === 'line_items') {
          const id = String(owner.id);
          const items = (this.store.data.sessionItems[id] ?? []).map((item) => this.present(item));
          return { object: 'list', data: items, has_more: false, url: `/v1/checkout/sessions/${id}/line_items` };
        }
        if (owner.object === 'customer' && field === 'subscriptions') {
          const id = String(owner.id);
          const subscriptions = this.store
            .all('subscription')
            .filter((subscription) => subscription.customer === id && subscription.status !== 'canceled' && subscription.status !== 'incomplete_expired')
            .reverse()
            .map((subscription) => this.present(subscription));
          // An embedded list holds the first few only and says has_more; clients must page the rest.
          return { object: 'list', data: subscriptions.slice(0, 10), has_more: subscriptions.length > 10, url: `/v1/customers/${id}/subscriptions` };
        }
        return undefined;
      },
    };
  }
}
