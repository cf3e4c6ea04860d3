// Stripe webhooks: verified on the raw body by the billing (the stripe package's constructEventAsync with the
// SubtleCrypto provider), a 300-second tolerance both ways (the package checks only the past), then dispatched through the table.
// Unknown events get 200 so Stripe stops sending them; a transient failure gets 503 so Stripe retries.

import { isTransient, stripeFailure, type BillingEvent } from '../billing.ts';
import type { Ctx } from '../context.ts';
import { eventHandlers } from './webhook-events.ts';
import { claim, keep, release } from '../claims.ts';
import { BODY_LIMITS, readBody } from '../http/body.ts';
import { Errors } from '../errors.ts';
import { errorResponse, logLine } from '../http/error-response.ts';
import { HttpProblem } from '../http/problem.ts';

export const WEBHOOK_TOLERANCE_SECONDS = 300;
/** How long a claim on an event lasts while it is handled, and once handled. */
const HANDLING_SECONDS = 120;
const HANDLED_SECONDS = 7 * 86400;

const TEXT = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
const text = (status: number, body: string) => new Response(body, { status, headers: TEXT });

type WebhookEntry = typeof Errors.WebhookNotConfigured | typeof Errors.WebhookNoSignature | typeof Errors.WebhookTooLarge | typeof Errors.WebhookFromFuture | typeof Errors.WebhookBadSignature | typeof Errors.WebhookRetry;
const refusal = (entry: WebhookEntry) => new HttpProblem(entry, undefined, { headers: TEXT });

export async function receiveWebhook(ctx: Ctx): Promise<Response> {
  const { app, request } = ctx;
  // Stripe's sender reads these answers: the catalogue marks them plain text.
  const refuse = (entry: Parameters<typeof refusal>[0]) => errorResponse(refusal(entry), { path: ctx.url.pathname, log: app.log, shell: () => app.shell() });
  const secret = app.config.stripe.webhookSecret;
  if (!secret) {
    return refuse(Errors.WebhookNotConfigured);
  }
  const header = request.headers.get('stripe-signature');
  if (!header) return refuse(Errors.WebhookNoSignature);
  let body: string;
  try {
    body = new TextDecoder().decode(await readBody(request, BODY_LIMITS.webhook));
  } catch (error) {
    if (error instanceof HttpProblem) return refuse(Errors.WebhookTooLarge);
    throw error;
  }

  const now = app.now();
  const timestamps = [...header.matchAll(/(?:^|,)\s*t=(\d+)/g)].map((m) => Number(m[1]));
  if (timestamps.some((t) => t > now / 1000 + WEBHOOK_TOLERANCE_SECONDS)) return refuse(Errors.WebhookFromFuture);
  let event: BillingEvent;
  try {
    event = await app.billing.verifyEvent(body, header, secret, WEBHOOK_TOLERANCE_SECONDS, now);
  } catch {
    return refuse(Errors.WebhookBadSignature);
  }

  const handle = eventHandlers[event.type];
  if (!handle) return text(200, 'Ignored.');
  // Claimed before any slow call, so a copy delivered while this one is handled is not handled again.
  // The claim is short while handling (a crash frees it for Stripe's retry) and kept for days once done.
  const seenKey = `tf:event:${event.id}`;
  if (!(await claim(app, seenKey, HANDLING_SECONDS))) return text(200, 'Already handled.');
  try {
    await handle(ctx, event);
  } catch (error) {
    await release(app, seenKey);
    const failure = stripeFailure(error, `handling ${event.type}`);
    app.log(logLine(failure));
    // Transient: let Stripe retry. Anything else would fail the same way again.
    if (isTransient(error)) return refuse(Errors.WebhookRetry);
    return text(200, 'Not handled.');
  }
  await keep(app, seenKey, HANDLED_SECONDS);
  return text(200, 'OK');
}
