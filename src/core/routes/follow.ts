// Following for free, with double opt-in. The form's POST only mails a signed link (no Stripe call, no
// store), and answers the same page for every address, so nothing tells a known address from an unknown
// one. The link's GET shows a button; its POST records the follower on Stripe (Billing.follow), which is
// idempotent, so the link needs no single-use claim.

import type { Ctx } from '../context.ts';
import { followConfirmEmail } from '../email/messages.ts';
import { Errors } from '../errors.ts';
import { readForm } from '../http/form.ts';
import { HttpProblem } from '../http/problem.ts';
import { page } from '../http/respond.ts';
import { stripeFailure } from '../billing.ts';
import { confirmFollowView, followCheckEmailView, followedView, problemView } from '../pages/views.ts';
import { limit, mailboxAllows } from '../rate-limit.ts';
import { FOLLOW_LINK_SECONDS, signFollowLink, verifyFollowLink } from '../tokens/follow.ts';
import { ROUTES } from '../paths.ts';
import { EMAIL_ADDRESS as EMAIL } from '../email/address.ts';

const NO_REFERRER = { 'referrer-policy': 'no-referrer' };
/** With a store: at most this many confirmation emails per address per two days. */
const LINKS_PER_WINDOW = 3;

export async function requestFollow(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const form = await readForm(ctx.request);
  const typed = (form.get('email') ?? '').trim();
  const email = typed.toLowerCase();
  if (!EMAIL.test(email)) {
    const view = problemView('Please check your email address', 'That does not look like an email address. Go back and try again.');
    return page(await app.shell(), view, 400, { headers: NO_REFERRER });
  }
  await limit(ctx, 'follow');
  if (!app.mailer) throw new HttpProblem(Errors.FollowEmailNotSetUp, undefined, { headers: NO_REFERRER });
  const mailer = app.mailer;
  const send = async () => {
    if (!(await mailboxAllows(ctx, 'follow', email, LINKS_PER_WINDOW, FOLLOW_LINK_SECONDS))) {
      app.log('truefans: follow confirmations for one address are rate-limited (3 per two days); not sending another.');
      return;
    }
    const token = await signFollowLink(app.keyring, app.siteOrigin, email, Math.floor(app.now() / 1000));
    await mailer.send(followConfirmEmail(app.site, typed, `${app.siteOrigin}${ROUTES.followConfirm}?token=${encodeURIComponent(token)}`));
  };
  await ctx.background(send().catch((error: unknown) => app.log(`truefans: a follow confirmation could not be sent: ${(error as Error).message.split('\n')[0]}`)));
  return page(await app.shell(), followCheckEmailView(), 200, { headers: NO_REFERRER });
}

const expired = () => new HttpProblem(Errors.FollowLinkExpired, undefined, { headers: NO_REFERRER });

export async function showFollowConfirm(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const token = ctx.url.searchParams.get('token') ?? '';
  const v = await verifyFollowLink(app.keyring, app.siteOrigin, token, app.now());
  if (!v.ok) throw expired();
  return page(await app.shell(), confirmFollowView(app.site.title, token), 200, { headers: NO_REFERRER });
}

export async function confirmFollow(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const form = await readForm(ctx.request);
  const v = await verifyFollowLink(app.keyring, app.siteOrigin, form.get('token') ?? '', app.now());
  if (!v.ok) throw expired();
  await limit(ctx, 'follower-write');
  try {
    await app.billing.follow(v.email, app.now(), app.log);
  } catch (error) {
    throw stripeFailure(error, 'recording a follower');
  }
  return page(await app.shell(), followedView(app.site.title, v.email), 200, { headers: NO_REFERRER });
}
