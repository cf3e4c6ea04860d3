// Post emails on and off: the unsubscribe link of every post email (its GET shows one button; its POST,
// also RFC 8058's one-click POST from the mail provider, turns them off), and the account page's switch.
// The link is authenticated by its token alone, so its POST skips the Origin check: a provider posts it
// from its own servers. Both answer the same whether or not the address is known.

import type { Ctx } from '../context.ts';
import { Errors } from '../errors.ts';
import { readForm } from '../http/form.ts';
import { HttpProblem } from '../http/problem.ts';
import { page, redirect } from '../http/respond.ts';
import { stripeFailure } from '../billing.ts';
import { readSession } from '../fan.ts';
import { unsubscribedView, unsubscribeView } from '../pages/views.ts';
import { limit } from '../rate-limit.ts';
import { verifyUnsubscribeToken } from '../tokens/unsubscribe.ts';
import { ROUTES } from '../paths.ts';

const NO_REFERRER = { 'referrer-policy': 'no-referrer' };
const invalid = () => new HttpProblem(Errors.UnsubscribeLinkInvalid, undefined, { headers: NO_REFERRER });

export async function showUnsubscribe(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const token = ctx.url.searchParams.get('t') ?? '';
  if (!(await verifyUnsubscribeToken(app.keyring, token, app.now()))) throw invalid();
  const action = `${ROUTES.unsubscribe}?t=${encodeURIComponent(token)}`;
  return page(await app.shell(), unsubscribeView(action, token), 200, { headers: NO_REFERRER });
}

export async function unsubscribe(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  // RFC 8058: the provider POSTs `List-Unsubscribe=One-Click` to the URL as given, so the token is in the
  // query; the page's own button sends it in the form as well.
  const form = await readForm(ctx.request);
  const token = ctx.url.searchParams.get('t') ?? form.get('t') ?? '';
  const v = await verifyUnsubscribeToken(app.keyring, token, app.now());
  if (!v) throw invalid();
  await limit(ctx, 'follower-write');
  try {
    await app.billing.setPostEmails({ email: v.email }, false, app.log);
  } catch (error) {
    throw stripeFailure(error, 'turning post emails off');
  }
  return page(await app.shell(), unsubscribedView(v.email), 200, { headers: NO_REFERRER });
}

/**
 * The account page's switch. A verified session (signed in by email) switches every customer with its
 * email, as the unsubscribe link does; an unverified one (a checkout on this browser) only its own customer.
 */
export async function switchPostEmails(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const form = await readForm(ctx.request);
  const { session } = await readSession(ctx);
  if (!session) return redirect(`${ROUTES.signIn}?return_to=${encodeURIComponent(ROUTES.account)}`);
  const wanted = form.get('emails');
  if (wanted !== 'on' && wanted !== 'off') throw new HttpProblem(Errors.BadRequest);
  await limit(ctx, 'follower-write');
  const who = session.verified && session.email ? { email: session.email } : { customers: [session.customer] };
  try {
    await app.billing.setPostEmails(who, wanted === 'on', app.log);
  } catch (error) {
    throw stripeFailure(error, 'switching post emails');
  }
  return redirect(ROUTES.account);
}
