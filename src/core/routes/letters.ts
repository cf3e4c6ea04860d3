// Letters to the creator: a member (or, as site.yaml `letters` says, a follower or a member of a tier)
// writes from the end of a post or the account page; the letter goes to CREATOR_EMAIL with Reply-To the
// fan's verified email, and the fan gets a copy. The creator's address never appears on the site. Limits:
// a per-instance budget and, with a store, a per-client one (rate-limit.ts); a daily count per fan
// (letters/quota.ts); lengths (letters/rules.ts).

import type { Ctx } from '../context.ts';
import { tierName } from '../context.ts';
import { stripeFailure } from '../billing.ts';
import { EMAIL_ADDRESS } from '../email/address.ts';
import { letterCopyEmail, letterEmail } from '../email/letter-messages.ts';
import { send } from '../email/send.ts';
import { Errors } from '../errors.ts';
import { resolveFan } from '../fan.ts';
import { isFollower } from '../follower-marks.ts';
import { readForm } from '../http/form.ts';
import { HttpProblem } from '../http/problem.ts';
import { page } from '../http/respond.ts';
import { safeReturnPath } from '../http/return-to.ts';
import { letterQuota } from '../letters/quota.ts';
import { ABOUT_PATH, BODY_MAX, cleanBody, cleanSubject, holdsEnough, LETTER_FORM_BYTES, letterRule, SUBJECT_MAX, type LetterRule } from '../letters/rules.ts';
import { letterSentView } from '../pages/letter-views.ts';
import { ROUTES } from '../paths.ts';
import { limit } from '../rate-limit.ts';
import { signInAnswer } from './signin.ts';

function whoMay(ctx: Ctx, rule: LetterRule): string {
  if (rule.kind === 'tier') {
    const higher = ctx.app.rankedTiers.indexOf(rule.tier) < ctx.app.rankedTiers.length - 1;
    return `members of ${tierName(ctx.app.manifest, rule.tier)}${higher ? ' or a higher tier' : ''}`;
  }
  return rule.kind === 'followers' ? 'members and followers' : 'members';
}

/** Whether any of the session's customers is a confirmed follower (read fresh: a letter is rare). */
async function follows(ctx: Ctx, customers: readonly string[]): Promise<boolean> {
  try {
    const records = await Promise.all(customers.map((c) => ctx.app.billing.customer(c)));
    return records.some((r) => !r.deleted && isFollower(r.metadata));
  } catch (error) {
    throw stripeFailure(error, 'checking that a letter writer follows the site');
  }
}

export async function sendLetter(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const rule = letterRule(app.manifest);
  if (rule.kind === 'off') throw new HttpProblem(Errors.LettersOff);
  const form = await readForm(ctx.request, LETTER_FORM_BYTES);
  const aboutField = form.get('about') ?? '';
  const about = ABOUT_PATH.test(aboutField) && safeReturnPath(aboutField) === aboutField ? aboutField : undefined;
  const back = about ?? ROUTES.account;

  const fan = await resolveFan(ctx);
  if (fan.kind === 'unavailable') throw new HttpProblem(Errors.MembershipUnconfirmed, undefined, { cookies: fan.cookies });
  if (fan.kind === 'anonymous') return signInAnswer(ctx, back, `Sign in to write to ${app.site.author}. Your letter was not sent; go back to keep what you wrote.`, 200, { cookies: fan.cookies });
  // The reply goes to the address on the letter, so it must be one the fan proved: a checkout proves a
  // payment, not a mailbox (DESIGN.md), and the form's fields are never an address.
  const email = fan.session.verified ? fan.session.email : undefined;
  if (!email || !EMAIL_ADDRESS.test(email)) {
    return signInAnswer(ctx, back, `To write to ${app.site.author}, confirm your email address first: we will send you a sign-in link. Your letter was not sent; go back to keep what you wrote.`, 200, { cookies: fan.cookies });
  }
  await limit(ctx, 'letter');
  if (!holdsEnough(rule, fan.ent, app.rankedTiers) && !(rule.kind === 'followers' && (await follows(ctx, fan.session.customers)))) {
    throw new HttpProblem(Errors.LetterNotAllowed, { who: whoMay(ctx, rule) }, { returnTo: '/membership/', cookies: fan.cookies });
  }

  const subject = cleanSubject(form.get('subject'));
  const body = cleanBody(form.get('body'));
  const invalid = (problem: string) => new HttpProblem(Errors.LetterInvalid, { problem }, { returnTo: back, cookies: fan.cookies });
  if (!body.text) throw invalid('The letter is empty.');
  if (body.tooLong) throw invalid(`The letter is longer than ${BODY_MAX} characters.`);
  if (subject.tooLong) throw invalid(`The subject is longer than ${SUBJECT_MAX} characters.`);

  const creator = app.config.creatorEmail;
  if (!creator) throw new HttpProblem(Errors.LetterNotSent, { why: 'no-creator-email' }, { returnTo: back });
  if (!app.mailer) throw new HttpProblem(Errors.LetterNotSent, { why: 'no-provider' }, { returnTo: back });
  const quota = await letterQuota(ctx, email);
  if (!quota.allowed) throw new HttpProblem(Errors.LettersTooMany, undefined, { returnTo: back, cookies: fan.cookies });

  const letter = { from: email, subject: subject.text, body: body.text, about: about ? `${app.siteOrigin}${about}` : undefined };
  try {
    await app.mailer.send(letterEmail(app.site, creator, letter));
  } catch (error) {
    throw new HttpProblem(Errors.LetterNotSent, { why: 'provider-failed', detail: (error as Error).message.split('\n')[0] }, { returnTo: back });
  }
  const counted = await quota.spend();
  // The copy is a courtesy: its failure is logged, and the letter has gone.
  await ctx.background(send(app, letterCopyEmail(app.site, letter)));
  return page(await app.shell(), letterSentView({ author: app.site.author, email, back }), 200, { cookies: [...fan.cookies, counted] });
}
