// Sign-in for returning fans, by emailed link. The POST answers the same page whether or not the email
// belongs to a member (the lookup and the email happen after the answer where the platform allows). The
// link's GET only shows a confirm button, so mail scanners neither use it up nor sign anyone in; the
// confirm POST sets the cookie and sends the fan to a clean URL without the token. The link proves the
// mailbox, so the session it makes is verified and joins every customer with that email.

import type { Ctx } from '../context.ts';
import { signInEmail } from '../email/messages.ts';
import { entitlementOptions, sessionCookie } from '../fan.ts';
import { canonicalPath } from '../http/canonical-path.ts';
import { flashCookie } from '../http/flash.ts';
import { readForm } from '../http/form.ts';
import { Errors } from '../errors.ts';
import { HttpProblem } from '../http/problem.ts';
import { htmlPage, page, redirect, type ResponseExtras } from '../http/respond.ts';
import { safeReturnPath } from '../http/return-to.ts';
import { renderSignInPage } from '../pages/signin-page.ts';
import { checkEmailView, confirmSignInView, signInView } from '../pages/views.ts';
import { stripeFailure } from '../billing.ts';
import { hasAny } from '../holdings.ts';
import { claim, release } from '../claims.ts';
import { limit, mailboxAllows } from '../rate-limit.ts';
import { MAGIC_LINK_SECONDS, signMagicLink, verifyMagicLink } from '../tokens/magic-link.ts';
import { ROUTES } from '../paths.ts';
import { EMAIL_ADDRESS as EMAIL } from '../email/address.ts';

const NO_REFERRER = { 'referrer-policy': 'no-referrer' };
/** With a store: at most this many links per address per 15 minutes. */
const LINKS_PER_WINDOW = 5;

export async function signInPage(ctx: Ctx): Promise<Response> {
  const returnTo = safeReturnPath(ctx.url.searchParams.get('return_to'));
  return signInAnswer(ctx, returnTo, undefined, 200);
}

/**
 * The sign-in page with a return path and an optional note, from the built /signin/ page (one sign-in
 * page for the site), or the built-in view in the shell when the build has none. Never with a referrer.
 */
export async function signInAnswer(ctx: Ctx, returnTo: string, message: string | undefined, status: number, extras: ResponseExtras = {}): Promise<Response> {
  const headers = { ...NO_REFERRER, ...extras.headers };
  const template = await ctx.app.signInTemplate();
  if (!template) return page(await ctx.app.shell(), signInView(returnTo, message), status, { ...extras, headers });
  return htmlPage(renderSignInPage(template, returnTo, message), status, { ...extras, headers });
}

/**
 * Mails a link when any customer with this email (in any letter case) holds something or follows; silent
 * about whether one does. Capped: one search page and two list pages of 100 customers, then what the
 * newest 20 hold (src/billing/stripe/fans.ts MAX_CUSTOMERS).
 */
async function sendLink(ctx: Ctx, email: string, typed: string, returnTo: string): Promise<void> {
  const { app } = ctx;
  if (!(await mailboxAllows(ctx, 'signin', email, LINKS_PER_WINDOW, MAGIC_LINK_SECONDS))) {
    app.log('truefans: sign-in links for one address are rate-limited (5 per 15 minutes); not sending another.');
    return;
  }
  const fan = await app.billing.fan(typed, entitlementOptions(app), app.log);
  // A follower signs in too: to switch post emails on their account page.
  if (!hasAny(fan.ent) && !fan.follower) return;
  const token = await signMagicLink(app.keyring, app.siteOrigin, email, returnTo, Math.floor(app.now() / 1000));
  const link = `${app.siteOrigin}${ROUTES.signInConfirm}?token=${encodeURIComponent(token)}`;
  // To the address as the fan typed it here: that mailbox is what the link proves.
  await app.mailer!.send(signInEmail(app.site, typed, link));
}

export async function requestSignIn(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const form = await readForm(ctx.request);
  const returnTo = safeReturnPath(form.get('return_to'));
  const typed = (form.get('email') ?? '').trim();
  const email = typed.toLowerCase();
  if (!EMAIL.test(email)) {
    return signInAnswer(ctx, returnTo, 'That does not look like an email address. Please check it and try again.', 400);
  }
  await limit(ctx, 'signin');
  if (!app.mailer) {
    throw new HttpProblem(Errors.EmailNotSetUp, undefined, { headers: NO_REFERRER });
  }
  const work = sendLink(ctx, email, typed, returnTo).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    const what = code === Errors.EmailFailed.code ? (error as Error).message.split('\n')[0] : ((f) => `${f.message}${f.detail ? ` ${f.detail}` : ''}`)(stripeFailure(error, 'looking up a fan for sign-in'));
    app.log(`truefans: a sign-in link could not be sent: ${what}`);
  });
  await ctx.background(work);
  return page(await app.shell(), checkEmailView(), 200, { headers: NO_REFERRER });
}

const expired = () =>
  new HttpProblem(Errors.SignInLinkExpired, undefined, { signIn: true, headers: NO_REFERRER });

export async function showConfirm(ctx: Ctx): Promise<Response> {
  const token = ctx.url.searchParams.get('token') ?? '';
  const v = await verifyMagicLink(ctx.app.keyring, ctx.app.siteOrigin, token, ctx.app.now());
  if (!v.ok || (await used(ctx, v.link.jti))) throw expired();
  return page(await ctx.app.shell(), confirmSignInView(token), 200, { headers: NO_REFERRER });
}

const usedKey = (jti: string) => `tf:link-used:${jti}`;

async function used(ctx: Ctx, jti: string): Promise<boolean> {
  const held = ctx.app.claims.get(usedKey(jti));
  if (held !== undefined && held > ctx.app.now()) return true;
  return ctx.app.store ? (await ctx.app.store.get(usedKey(jti))) !== null : false;
}

export async function confirmSignIn(ctx: Ctx): Promise<Response> {
  const { app, url } = ctx;
  const form = await readForm(ctx.request);
  const v = await verifyMagicLink(app.keyring, app.siteOrigin, form.get('token') ?? '', app.now());
  if (!v.ok) throw expired();
  // Claimed before Stripe is asked, so 16 browsers confirming one link at once sign in one of them; given
  // back if Stripe fails, so the fan can press the button again.
  if (!(await claim(app, usedKey(v.link.jti), MAGIC_LINK_SECONDS + 60))) throw expired();
  let fan;
  try {
    fan = await app.billing.fan(v.link.email, entitlementOptions(app), app.log);
  } catch (error) {
    await release(app, usedKey(v.link.jti));
    throw stripeFailure(error, 'signing a fan in');
  }
  if (!fan.primary) throw expired();
  const cookie = await sessionCookie(app, url, { customer: fan.primary, verified: { email: v.link.email, customers: fan.customers } }, fan.ent, Math.floor(app.now() / 1000));
  // Signing in ends on a page that says so: the gated page the fan came from (the function serves it),
  // or else their account page, with "You're signed in as ...".
  const returnTo = safeReturnPath(v.link.returnTo);
  const served = returnTo.startsWith(`${ROUTES.account}`) || app.page(canonicalPath(returnTo.split(/[?#]/)[0]!)) !== undefined;
  const cookies = [cookie, flashCookie(url, { k: 'signed-in', email: v.link.email })];
  return redirect(served ? returnTo : ROUTES.account, { cookies, headers: NO_REFERRER });
}
