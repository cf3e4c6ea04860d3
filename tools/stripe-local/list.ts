// Stripe's list envelope and cursor pagination: newest first, `limit` 1..100 (default 10),
// `starting_after` for the next page, `ending_before` for the previous one.
import { invalidParam, resourceMissing } from './errors.ts';
import { int, obj, str, type Params } from './form.ts';
import type { Kind, Store, StripeObject } from './state.ts';

export interface ListObject {
  object: 'list';
  data: StripeObject[];
  has_more: boolean;
  url: string;
}

export function paginate(items: readonly StripeObject[], params: Params, url: string, noun: string): ListObject {
  const limit = int(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidParam('limit', 'This value must be greater than or equal to 1 and less than or equal to 100.', 'parameter_invalid_integer');
  }
  const startingAfter = str(params, 'starting_after') || undefined;
  const endingBefore = str(params, 'ending_before') || undefined;
  const indexOf = (id: string, param: string) => {
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) throw resourceMissing(noun, id, param);
    return index;
  };
  if (endingBefore !== undefined) {
    const end = indexOf(endingBefore, 'ending_before');
    const start = Math.max(0, end - limit);
    return { object: 'list', data: items.slice(start, end), has_more: start > 0, url };
  }
  const start = startingAfter !== undefined ? indexOf(startingAfter, 'starting_after') + 1 : 0;
  return { object: 'list', data: items.slice(start, start + limit), has_more: start + limit < items.length, url };
}

/**
 * The same list read straight from the store: it walks the kind's creation order from the cursor and stops
 * one match past the page, so a page costs about its own length however many objects the store holds
 * (as Stripe's cursor pagination does), where `paginate` filters everything first.
 */
export function listPage(store: Store, kind: Kind, matches: (object: StripeObject) => boolean, params: Params, url: string, noun: string): ListObject {
  const limit = int(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidParam('limit', 'This value must be greater than or equal to 1 and less than or equal to 100.', 'parameter_invalid_integer');
  }
  const startingAfter = str(params, 'starting_after') || undefined;
  const endingBefore = str(params, 'ending_before') || undefined;
  const placeOf = (id: string, param: string) => {
    const place = store.placeOf(kind, id);
    if (place === undefined) throw resourceMissing(noun, id, param);
    return place;
  };
  // Newest first is from the last place down; `ending_before` walks up toward newer objects instead.
  const upward = endingBefore !== undefined;
  let place = upward ? placeOf(endingBefore, 'ending_before') + 1 : startingAfter !== undefined ? placeOf(startingAfter, 'starting_after') - 1 : store.places(kind) - 1;
  const data: StripeObject[] = [];
  let hasMore = false;
  for (const end = store.places(kind); place >= 0 && place < end; place += upward ? 1 : -1) {
    const object = store.atPlace(kind, place);
    if (!object || !matches(object)) continue;
    if (data.length === limit) {
      hasMore = true;
      break;
    }
    data.push(object);
  }
  return { object: 'list', data: upward ? data.reverse() : data, has_more: hasMore, url };
}

/** Stripe's search envelope (`object: 'search_result'`): cursor pagination by an opaque `page` token. */
export interface SearchResult {
  object: 'search_result';
  data: StripeObject[];
  has_more: boolean;
  next_page: string | null;
  url: string;
}

/** Search pages are 1..100 long (default 10); `page` is the `next_page` of the previous answer. */
export function searchPage(items: readonly StripeObject[], params: Params, url: string): SearchResult {
  const limit = int(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidParam('limit', 'This value must be greater than or equal to 1 and less than or equal to 100.', 'parameter_invalid_integer');
  }
  const page = str(params, 'page');
  let start = 0;
  if (page) {
    const decoded = /^[A-Za-z0-9_-]{1,40}$/.test(page) ? Number(Buffer.from(page, 'base64url').toString('utf8').replace(/^page:/, '')) : NaN;
    if (!Number.isInteger(decoded) || decoded < 0) throw invalidParam('page', 'Invalid page token.', 'parameter_invalid_string');
    start = decoded;
  }
  const end = start + limit;
  const more = end < items.length;
  return { object: 'search_result', data: items.slice(start, end), has_more: more, next_page: more ? Buffer.from(`page:${end}`).toString('base64url') : null, url };
}

/**
 * Stripe's `created` filter on list endpoints: an exact Unix time, or a range of `gt`, `gte`, `lt`, `lte`
 * (docs.stripe.com/api/customers/list#list_customers-created).
 */
export function createdFilter(params: Params): (item: StripeObject) => boolean {
  if (typeof params.created !== 'object' || params.created === null) {
    const exact = int(params, 'created');
    return exact === undefined ? () => true : (item) => Number(item.created) === exact;
  }
  obj(params, 'created');
  const bound = (op: string) => int(params, ['created', op]);
  const [gt, gte, lt, lte] = ['gt', 'gte', 'lt', 'lte'].map(bound);
  return (item) => {
    const c = Number(item.created);
    return (gt === undefined || c > gt) && (gte === undefined || c >= gte) && (lt === undefined || c < lt) && (lte === undefined || c <= lte);
  };
}
