// Stripe's list envelope and cursor pagination: newest first, `limit` 1..100 (default 10),
// `starting_after` for the next page, `ending_before` for the previous one.
import { invalidParam, resourceMissing } from './errors.ts';
import { int, str, type Params } from './form.ts';
import type { StripeObject } from './state.ts';

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

export function listOf(data: StripeObject[], url: string): ListObject {
  return { object: 'list', data, has_more: false, url };
}
