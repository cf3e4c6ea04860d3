// Every object the stand-in holds, by kind and in creation order, and its persistence: one JSON file
// written atomically (temp file + rename) after each change, so a restarted demo keeps its fans.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ClockState } from './clock.ts';
import { resourceMissing } from './errors.ts';

export type Kind =
  | 'customer'
  | 'product'
  | 'price'
  | 'checkout.session'
  | 'subscription'
  | 'invoice'
  | 'payment_intent'
  | 'payment_method'
  | 'charge'
  | 'refund'
  | 'dispute'
  | 'billing_portal.session'
  | 'billing_portal.configuration'
  | 'coupon'
  | 'promotion_code'
  | 'discount'
  | 'event';

export const KINDS: readonly Kind[] = [
  'customer', 'product', 'price', 'checkout.session', 'subscription', 'invoice', 'payment_intent',
  'payment_method', 'charge', 'refund', 'dispute', 'billing_portal.session', 'billing_portal.configuration', 'coupon', 'promotion_code', 'discount', 'event',
];

/** A Stripe object as JSON: `id` and `object` always, the rest per resource. */
export type StripeObject = { id: string; object: string; [key: string]: unknown };

/** How a test card behaves after the first charge (4000 0000 0000 0341 pays now, fails renewals). */
export interface CardBehaviour {
  failsLater: boolean;
}

/** What a checkout session was asked for that Stripe keeps out of the session object itself. */
export interface SessionExtras {
  trialDays: number | null;
  trialEnd: number | null;
  subscriptionMetadata: Record<string, string>;
  subscriptionDescription: string | null;
  paymentMetadata: Record<string, string>;
  paymentDescription: string | null;
}

/** A bank debit waiting for the bank: settles (or fails) at `at`, on the test clock. */
export interface Settlement {
  session: string;
  intent: string;
  at: number;
  succeeds: boolean;
}

export interface IdempotencyRecord {
  fingerprint: string;
  status: number;
  body: string;
  created: number;
}

export interface StateData {
  version: 1;
  clock: ClockState;
  /** Where the hosted pages were served when the state was saved; links are moved if that changes. */
  baseUrl?: string;
  objects: Record<Kind, Record<string, StripeObject>>;
  /** Checkout line items (`item` objects), by session id; Stripe returns them only when expanded. */
  sessionItems: Record<string, StripeObject[]>;
  sessionExtras: Record<string, SessionExtras>;
  cards: Record<string, CardBehaviour>;
  /** Ids of deleted objects (customers): Stripe answers them as `{ id, object, deleted: true }`. */
  deleted: Record<string, true>;
  idempotency: Record<string, IdempotencyRecord>;
  /** Bank debits still processing, by payment intent id. */
  settlements: Record<string, Settlement>;
  /** `<subscription>:<trial_end>` for each trial_will_end already sent (absent in older state files). */
  trialWillEnd?: Record<string, true>;
}

function emptyObjects(): Record<Kind, Record<string, StripeObject>> {
  return Object.fromEntries(KINDS.map((kind) => [kind, {}])) as Record<Kind, Record<string, StripeObject>>;
}

export function emptyState(clock: ClockState): StateData {
  return { version: 1, clock, objects: emptyObjects(), sessionItems: {}, sessionExtras: {}, cards: {}, deleted: {}, idempotency: {}, settlements: {} };
}

/** Reads a state file; a missing file is a fresh start, a corrupt one is an error that names it. */
export function loadState(file: string): StateData | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let data: StateData;
  try {
    data = JSON.parse(text) as StateData;
  } catch {
    throw new Error(`The Stripe stand-in's state file ${file} is not valid JSON. Delete it or start with --fresh.`);
  }
  if (data.version !== 1 || typeof data.objects !== 'object') {
    throw new Error(`The Stripe stand-in's state file ${file} is from another version. Delete it or start with --fresh.`);
  }
  data.objects = { ...emptyObjects(), ...data.objects };
  data.sessionItems ??= {};
  data.sessionExtras ??= {};
  data.cards ??= {};
  data.deleted ??= {};
  data.idempotency ??= {};
  data.settlements ??= {};
  return data;
}

export function saveState(file: string, data: StateData): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(data));
  renameSync(temp, file);
}

const NOUNS: Record<Kind, string> = {
  customer: 'customer',
  product: 'product',
  price: 'price',
  'checkout.session': 'checkout.session',
  subscription: 'subscription',
  invoice: 'invoice',
  payment_intent: 'payment_intent',
  payment_method: 'PaymentMethod',
  charge: 'charge',
  refund: 'refund',
  dispute: 'dispute',
  'billing_portal.session': 'billing_portal.session',
  'billing_portal.configuration': 'configuration',
  coupon: 'coupon',
  promotion_code: 'promotion code',
  discount: 'discount',
  event: 'event',
};

export class Store {
  readonly data: StateData;
  #dirty = false;
  #version = 0;
  /** Each kind's ids in creation order and each id's place, so a list page costs its own length, not the store's. */
  #order = new Map<Kind, { ids: string[]; at: Map<string, number> }>();

  constructor(data: StateData) {
    this.data = data;
  }

  /** The object, unless there is none or it was deleted. */
  get(kind: Kind, id: string): StripeObject | undefined {
    if (Object.hasOwn(this.data.deleted, id)) return undefined;
    return Object.hasOwn(this.data.objects[kind], id) ? this.data.objects[kind][id] : undefined;
  }

  isDeleted(id: string): boolean {
    return Object.hasOwn(this.data.deleted, id);
  }

  markDeleted(id: string): void {
    this.data.deleted[id] = true;
    this.touch();
  }

  /** The object, or Stripe's 404 naming it ("No such customer: 'cus_123'"). */
  require(kind: Kind, id: string, param = 'id'): StripeObject {
    const found = this.get(kind, id);
    if (!found) throw resourceMissing(NOUNS[kind], id, param);
    return found;
  }

  put(object: StripeObject, kind: Kind = object.object as Kind): StripeObject {
    const order = this.#order.get(kind);
    if (order && !order.at.has(object.id)) {
      order.at.set(object.id, order.ids.length);
      order.ids.push(object.id);
    }
    this.data.objects[kind][object.id] = object;
    this.touch();
    return object;
  }

  #orderOf(kind: Kind): { ids: string[]; at: Map<string, number> } {
    let order = this.#order.get(kind);
    if (!order) {
      // Object keys keep insertion order for string keys such as Stripe ids: creation order.
      const ids = Object.keys(this.data.objects[kind]);
      order = { ids, at: new Map(ids.map((id, index) => [id, index])) };
      this.#order.set(kind, order);
    }
    return order;
  }

  /** How many places the kind's creation order has (some may since be deleted or pruned). */
  places(kind: Kind): number {
    return this.#orderOf(kind).ids.length;
  }

  /** The place of an object in its kind's creation order, unless there is none or it was deleted. */
  placeOf(kind: Kind, id: string): number | undefined {
    return this.get(kind, id) ? this.#orderOf(kind).at.get(id) : undefined;
  }

  /** The object at a place in creation order, unless it was deleted or pruned since. */
  atPlace(kind: Kind, place: number): StripeObject | undefined {
    const id = this.#orderOf(kind).ids[place];
    return id === undefined ? undefined : this.get(kind, id);
  }

  /** All objects of a kind, newest first (Stripe's list order). */
  all(kind: Kind): StripeObject[] {
    return Object.values(this.data.objects[kind])
      .filter((object) => !Object.hasOwn(this.data.deleted, object.id))
      .reverse();
  }

  /** Finds an object of any kind by id, for expansion; a deleted one as Stripe shows it. */
  find(id: string): StripeObject | undefined {
    for (const kind of KINDS) {
      if (!Object.hasOwn(this.data.objects[kind], id)) continue;
      return this.isDeleted(id) ? { id, object: kind, deleted: true } : this.data.objects[kind][id];
    }
    return undefined;
  }

  touch(): void {
    this.#dirty = true;
    this.#version += 1;
  }

  /** Grows with every change: the clock skips a pass over everything when neither it nor the time moved. */
  get version(): number {
    return this.#version;
  }

  /** True once, after a change; the server saves the file then. */
  takeDirty(): boolean {
    const dirty = this.#dirty;
    this.#dirty = false;
    return dirty;
  }
}

/** Points the stored links to hosted pages (checkout, portal, invoices) at a new address after a restart. */
export function rebase(data: StateData, baseUrl: string): void {
  const previous = data.baseUrl;
  data.baseUrl = baseUrl;
  if (!previous || previous === baseUrl) return;
  const move = (object: StripeObject, field: string) => {
    const value = object[field];
    if (typeof value === 'string' && value.startsWith(previous)) object[field] = baseUrl + value.slice(previous.length);
  };
  for (const session of Object.values(data.objects['checkout.session'])) move(session, 'url');
  for (const portal of Object.values(data.objects['billing_portal.session'])) move(portal, 'url');
  for (const invoice of Object.values(data.objects.invoice)) move(invoice, 'hosted_invoice_url');
}

/** Stripe keeps events for 30 days and idempotency keys for 24 hours; so does the stand-in. */
export const EVENT_RETENTION_SEC = 30 * 86_400;
export const IDEMPOTENCY_RETENTION_SEC = 24 * 3600;

/** Drops what Stripe would have forgotten by `nowSec`, which also keeps the state file small. */
export function prune(data: StateData, nowSec: number): void {
  const events = data.objects.event;
  for (const [id, event] of Object.entries(events)) {
    if (Number(event.created) < nowSec - EVENT_RETENTION_SEC) delete events[id];
  }
  for (const [key, record] of Object.entries(data.idempotency)) {
    if (record.created < nowSec - IDEMPOTENCY_RETENTION_SEC) delete data.idempotency[key];
  }
}
