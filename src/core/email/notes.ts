// The creator's notes about their fans (a change of tier, a goodbye), each with Reply-To the fan so the
// creator can write back in one click. Values are escaped in the HTML by `message`.

import type { EmailMessage } from '../ports.ts';
import { message, type SiteInfo } from './messages.ts';

/** The fan as a note names them: the name they gave, else their email. */
export interface NoteFan {
  name: string;
  email: string | undefined;
}

const replyLine = (fan: NoteFan) => (fan.email ? `Reply to this email to write to ${fan.name} (${fan.email}).` : 'Stripe has no email address for this fan.');
const withReply = (m: EmailMessage, fan: NoteFan): EmailMessage => (fan.email ? { ...m, replyTo: fan.email } : m);

export function goalLine(count: { fans: number; atLeast: boolean }, goal: number): string {
  const left = goal - count.fans;
  const have = count.atLeast ? `more than ${count.fans}` : `${count.fans}`;
  return `You now have ${have} of your ${goal} true fans${left > 0 && !count.atLeast ? ` (${left} to go)` : left <= 0 ? ' — goal reached' : ''}.`;
}

/** A member moved to a higher or a lower tier (in the billing portal, or from a post's upgrade button). */
export function planChangeEmail(site: SiteInfo, to: string, fan: NoteFan, change: { from: string; to: string; up: boolean }): EmailMessage {
  return withReply(
    message('plan-change', to, change.up ? `${fan.name} upgraded to ${change.to}` : `${fan.name} moved down to ${change.to}`, site, [
      `${fan.name} moved from ${change.from} to ${change.to} on ${site.title}${change.up ? '. An upgrade: thank them?' : '.'}`,
      replyLine(fan),
    ]),
    fan,
  );
}

/** "Sam, a True Fan for 14 months, left: too expensive", with their own words when they gave some. */
export function fanLeftEmail(site: SiteInfo, to: string, fan: NoteFan, left: { tier: string; tenure: string; reason: string; comment: string | undefined }, count: { fans: number; atLeast: boolean }, goal: number): EmailMessage {
  const reason = left.reason.charAt(0).toLowerCase() + left.reason.slice(1);
  return withReply(
    message('fan-left', to, `${fan.name} left: ${reason}`, site, [
      `${fan.name}, ${/^[aeiou]/i.test(left.tier) ? 'an' : 'a'} ${left.tier} for ${left.tenure}, left: ${reason}.`,
      ...(left.comment ? [`In their words: “${left.comment}”`] : []),
      goalLine(count, goal),
      replyLine(fan),
    ]),
    fan,
  );
}

/** The creator's thank-you to a member on the anniversary of joining, in the creator's own words. */
export function anniversaryEmail(site: SiteInfo, to: string, years: number, words: string, link: string): EmailMessage {
  const span = years === 1 ? 'a year' : `${years} years`;
  return message('anniversary', to, `${years === 1 ? 'A year' : `${years} years`} with ${site.title}`, site, [
    `It is ${span} today since you became a member of ${site.title}.`,
    words,
    `— ${site.author}`,
  ], { href: link, label: `Go to ${site.title}` });
}
