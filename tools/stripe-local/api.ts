// The REST API under /v1: authentication, form parsing, idempotency keys, routing, expansion, and
// Stripe's JSON and error shapes. Each call first lets the clock catch up (renewals due by now).
import { createHash } from 'node:crypto';
import { processDue } from './billing.ts';
import type { Engine } from './engine.ts';
import { ApiError, errorResponseBody } from './errors.ts';
import { expandAll } from './expand.ts';
import { parseForm, strings, type Params } from './form.ts';
import { newId } from './ids.ts';
import type { ListObject, SearchResult } from './list.ts';
import { catalogRoutes } from './resources/catalog.ts';
import { chargeRoutes } from './resources/charges.ts';
import { checkoutRoutes } from './resources/checkout.ts';
import { customerRoutes } from './resources/customers.ts';
import { discountRoutes } from './resources/discounts.ts';
import { eventRoutes } from './resources/events.ts';
import { invoiceRoutes } from './resources/invoices.ts';
import { paymentIntentRoutes } from './resources/payment-intents.ts';
import { paymentMethodRoutes } from './resources/payment-methods.ts';
import { portalRoutes } from './resources/portal.ts';
import { subscriptionRoutes } from './resources/subscriptions.ts';
import type { Route } from './routes.ts';
import { IDEMPOTENCY_RETENTION_SEC, type StripeObject } from './state.ts';
import { API_VERSION } from './engine.ts';

const ROUTES: Route[] = [
  ...customerRoutes,
  ...catalogRoutes,
  ...checkoutRoutes,
  ...subscriptionRoutes,
  ...invoiceRoutes,
  ...portalRoutes,
  ...discountRoutes,
  ...eventRoutes,
  ...chargeRoutes,
  ...paymentMethodRoutes,
  ...paymentIntentRoutes,
];

interface Compiled {
  route: Route;
  regex: RegExp;
}

const COMPILED: Compiled[] = ROUTES.map((route) => ({
  route,
  regex: new RegExp('^' + route.pattern.replace(/:[a-z]+/g, '([^/]+)') + '$'),
}));


export interface ApiOptions {
  secretKey: string;
  /** An injected failure for the next matching calls (tests of Stripe outages). */
  takeFault?: (method: string, path: string) => Fault | undefined;
}

export interface Fault {
  status: number;
  delayMs?: number;
}

function json(status: number, body: string, requestId: string, extra: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: {
      'content-type': 'application/json',
      'request-id': requestId,
      'stripe-version': API_VERSION,
      'cache-control': 'no-cache, no-store',
      ...extra,
    },
  });
}

function redactKey(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(Math.min(24, key.length - 12))}${key.slice(-4)}` : '****';
}

function authenticate(request: Request, secretKey: string): ApiError | undefined {
  const header = request.headers.get('authorization') ?? '';
  let key: string | undefined;
  if (header.startsWith('Bearer ')) key = header.slice(7).trim();
  else if (header.startsWith('Basic ')) key = atob(header.slice(6).trim()).split(':')[0];
  if (!key) {
    return new ApiError(401, {
      type: 'invalid_request_error',
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    });
  }
  if (key !== secretKey) {
    return new ApiError(401, {
      type: 'invalid_request_error',
      code: 'api_key_invalid',
      message: `Invalid API Key provided: ${redactKey(key)}`,
    });
  }
  return undefined;
}

function present(engine: Engine, result: StripeObject | ListObject | SearchResult, params: Params): Record<string, unknown> {
  const presented: Record<string, unknown> =
    result.object === 'list' || result.object === 'search_result'
      ? { ...result, data: (result as ListObject | SearchResult).data.map((item) => engine.present(item)) }
      : engine.present(result as StripeObject);
  const expand = strings(params, 'expand') ?? [];
  return expandAll(presented, expand, engine.expander());
}

export async function handleApi(engine: Engine, request: Request, options: ApiOptions): Promise<Response> {
  const response = await answerApi(engine, request, options);
  // Every HTTP answer says when it was made (RFC 9110 `Date`); here that is the stand-in's clock, so a
  // client can tell the test clock's time (`npm run send -- --demo` signs its links at it).
  response.headers.set('date', new Date(engine.now() * 1000).toUTCString());
  return response;
}

async function answerApi(engine: Engine, request: Request, options: ApiOptions): Promise<Response> {
  const requestId = newId('req');
  const url = new URL(request.url);
  const method = request.method.toUpperCase();
  const path = url.pathname;
  try {
    const authError = authenticate(request, options.secretKey);
    if (authError) throw authError;
    const fault = options.takeFault?.(method, path);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.status) {
      const type = fault.status === 429 ? 'rate_limit_error' : 'api_error';
      const message =
        fault.status === 429
          ? 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.'
          : 'An unknown error occurred. (injected by the local Stripe stand-in)';
      return json(fault.status, JSON.stringify({ error: { type, message, ...(fault.status === 429 ? { code: 'rate_limit' } : {}) } }, null, 2), requestId, {
        'stripe-should-retry': 'false',
      });
    }
    const body = method === 'GET' ? '' : await request.text();
    const params = parseForm(method === 'POST' ? body : url.search.slice(1) || body);
    const matchedPath = COMPILED.map((entry) => ({ entry, match: entry.regex.exec(path) })).filter(({ match }) => match);
    const found = matchedPath.find(({ entry }) => entry.route.method === method);
    if (!found?.match) {
      throw new ApiError(404, {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      });
    }
    processDue(engine, engine.clock.nowSec());
    const idempotencyKey = method === 'POST' ? request.headers.get('idempotency-key') : null;
    const fingerprint = createHash('sha256').update(`${method} ${path}\n${body}`).digest('hex');
    const records = engine.store.data.idempotency;
    // "Idempotency keys are up to 255 characters long" (docs.stripe.com/api/idempotent_requests).
    if (idempotencyKey && idempotencyKey.length > 255) {
      throw new ApiError(400, { type: 'invalid_request_error', message: `Keys for idempotent requests can be no longer than 255 characters. The key you sent is ${idempotencyKey.length} characters long.` });
    }
    if (idempotencyKey) {
      const record = records[idempotencyKey];
      if (record && record.created > engine.now() - IDEMPOTENCY_RETENTION_SEC) {
        if (record.fingerprint !== fingerprint) {
          throw new ApiError(400, {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          });
        }
        return json(record.status, record.body, requestId, { 'idempotency-key': idempotencyKey, 'idempotent-replayed': 'true' });
      }
    }
    engine.request = method === 'POST' ? { id: requestId, idempotency_key: idempotencyKey } : null;
    let status = 200;
    let text: string;
    try {
      const result = found.entry.route.handler({ engine, params, ids: found.match.slice(1).map(decodeURIComponent), path });
      text = JSON.stringify(present(engine, result, params), null, 2);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      status = error.status;
      text = errorResponseBody(error);
    } finally {
      engine.request = null;
    }
    // "Results are only saved if an API endpoint started executing. If incoming parameters failed
    // validation ... no idempotent result is saved" (docs.stripe.com/api/idempotent_requests): a 400 is not kept.
    if (idempotencyKey && status !== 400) {
      records[idempotencyKey] = { fingerprint, status, body: text, created: engine.now() };
      engine.store.touch();
    }
    return json(status, text, requestId, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
  } catch (error) {
    if (error instanceof ApiError) return json(error.status, errorResponseBody(error), requestId);
    console.error('[stripe stand-in] internal error on', method, path, error);
    return json(500, JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred in the local Stripe stand-in.' } }, null, 2), requestId);
  }
}
