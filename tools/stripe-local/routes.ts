// The route table type shared by every resource module.
import type { Engine } from './engine.ts';
import type { Params } from './form.ts';
import type { ListObject, SearchResult } from './list.ts';
import type { StripeObject } from './state.ts';

export interface ApiCall {
  engine: Engine;
  /** The form body of a POST, or the query of a GET/DELETE. */
  params: Params;
  /** Path parameters, in order. */
  ids: string[];
  /** The request's path, for the list `url`. */
  path: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** e.g. `/v1/customers/:id`. */
  pattern: string;
  handler: (call: ApiCall) => StripeObject | ListObject | SearchResult;
}

export function route(method: Route['method'], pattern: string, handler: Route['handler']): Route {
  return { method, pattern, handler };
}
