// The gift pages the function draws: the "Give a membership" form, the redemption link's page (its status
// for the buyer, the email form for the recipient), and the confirmation after the mailbox is proved.
// Every value is escaped here; the gift's message is the buyer's text and is never trusted.

import { escapeHtml as e } from '../http/html.ts';
import { GIFT_ROUTES } from '../paths.ts';
import { MESSAGE_MAX, NAME_MAX } from '../gifts/rules.ts';
import type { View } from './views.ts';

const section = (body: string) => `<section class="truefans-page truefans-gift">\n${body}\n</section>`;

export interface GiftChoice {
  tierId: string;
  tier: string;
  months: number;
  duration: string;
  price: string;
}

export function giveView(o: { siteTitle: string; choices: GiftChoice[]; today: string }): View {
  const options = o.choices
    .map((c, i) => `<li><label><input type="radio" name="choice" value="${e(`${c.tierId}:${c.months}`)}"${i === 0 ? ' checked' : ''} required> ${e(c.tier)}, ${e(c.duration)}: ${e(c.price)}</label></li>`)
    .join('\n');
  return {
    title: 'Give a membership',
    main: section(`<h1>Give a membership</h1>
<p>Pay once, and a friend reads everything their tier opens on ${e(o.siteTitle)}, with no card and no charge to them, ever. The gift starts when they redeem it (within a year).</p>
<form method="post" action="${GIFT_ROUTES.give}" class="truefans-gift-form">
<fieldset><legend>The gift</legend>
<ul class="plain">
${options}
</ul></fieldset>
<label>Their name (optional) <input name="to" maxlength="${NAME_MAX}" autocomplete="off"></label>
<label>Your name, as they will see it (optional) <input name="from" maxlength="${NAME_MAX}" autocomplete="name"></label>
<label>A message (optional) <textarea name="message" maxlength="${MESSAGE_MAX}" rows="4"></textarea></label>
<fieldset><legend>Delivery</legend>
<p>After paying you get a link to forward. Or we can email it to them on a day you choose:</p>
<label>Their email (optional) <input type="email" name="deliver_to" autocomplete="off"></label>
<label>On (optional) <input type="date" name="deliver_on" min="${e(o.today)}"></label>
</fieldset>
<button type="submit">Pay for the gift</button>
</form>`),
  };
}

export interface GiftSummary {
  tier: string;
  duration: string;
  to: string | undefined;
  from: string | undefined;
  message: string | undefined;
}

function summary(g: GiftSummary): string {
  return `<p>${g.from ? `${e(g.from)} gives ` : 'A gift of '}${g.to ? `${e(g.to)} ` : ''}${e(g.duration)} of ${e(g.tier)}.</p>
${g.message ? `<blockquote class="truefans-gift-message"><p>${e(g.message).replace(/\n/g, '<br>')}</p></blockquote>\n` : ''}`;
}

/** The completion page after paying for a gift: the link, to copy or forward. */
export function giftBoughtView(o: { siteTitle: string; gift: GiftSummary; link: string; deliverOn: string | undefined }): View {
  return {
    title: `Your gift for ${o.siteTitle}`,
    main: section(`<h1>Thank you: your gift is ready</h1>
${summary(o.gift)}
<p>${o.deliverOn ? `We will email the link to them on ${e(o.deliverOn)}. Here it is too, in case you want to send it yourself:` : 'Send this link to them: it redeems the gift once. We have emailed it to you as well.'}</p>
<p><input class="truefans-gift-link" readonly value="${e(o.link)}" aria-label="The gift's link"></p>
<p>Open the link any time to see whether the gift has been redeemed.</p>`),
  };
}

/** The redemption link's page: the gift, its state, and (when it can be redeemed) the email form. */
export function giftLinkView(o: { gift: GiftSummary; token: string; state: 'open' | 'redeemed' | 'refunded' | 'expired'; redeemedOn?: string; redeemBy: string }): View {
  const body =
    o.state === 'redeemed'
      ? `<p class="truefans-gift-status">This gift was redeemed on ${e(o.redeemedOn ?? '')}.</p>`
      : o.state === 'refunded'
        ? '<p class="truefans-gift-status">This gift was refunded, so it can no longer be redeemed.</p>'
        : o.state === 'expired'
          ? '<p class="truefans-gift-status">This gift was not redeemed within a year of being bought, so it has expired.</p>'
          : `<p class="truefans-gift-status">Not redeemed yet: it can be redeemed until ${e(o.redeemBy)}.</p>
<p>To redeem it, enter your email address. We will send you a link to confirm it is yours; no card is needed.</p>
<form method="post" action="${GIFT_ROUTES.redeem}">
<input type="hidden" name="token" value="${e(o.token)}">
<label>Your email <input type="email" name="email" required autocomplete="email"></label>
<button type="submit">Email me the link</button>
</form>`;
  return { title: 'A gift membership', main: section(`<h1>A gift membership</h1>\n${summary(o.gift)}${body}`) };
}

export function giftCheckEmailView(): View {
  return {
    title: 'Check your email',
    main: section(`<h1>Check your email</h1>
<p>A link to redeem the gift is on its way to that address. It works for the next 15 minutes.</p>`),
  };
}

/** After the mailbox is proved: what redeeming will do, and the button (or why there is none). */
export function giftConfirmView(o: { gift: GiftSummary; token: string; email: string; until: string; holds: { tier: string; covers: boolean } | undefined; redeemBy: string }): View {
  let what: string;
  let button = true;
  if (o.holds?.covers) {
    button = false;
    what = `<p>You are already a ${e(o.holds.tier)} member as ${e(o.email)}, which opens everything this gift would. So nothing is redeemed and nothing is extended: the gift stays as it is. You can pass the link on to someone else, or come back to redeem it after your membership ends (until ${e(o.redeemBy)}).</p>`;
  } else if (o.holds) {
    what = `<p>You are a ${e(o.holds.tier)} member as ${e(o.email)}. Redeeming adds ${e(o.gift.tier)} until ${e(o.until)}, beside it; your ${e(o.holds.tier)} membership keeps renewing as before (you can change it from your account).</p>`;
  } else {
    what = `<p>Redeeming makes ${e(o.email)} a ${e(o.gift.tier)} member until ${e(o.until)}. No card, and nothing is ever charged: it simply ends then.</p>`;
  }
  return {
    title: 'Redeem your gift',
    main: section(`<h1>Redeem your gift</h1>
${summary(o.gift)}${what}
${button ? `<form method="post" action="${GIFT_ROUTES.claim}">
<input type="hidden" name="token" value="${e(o.token)}">
<button type="submit">Redeem the gift</button>
</form>` : `<p><a href="${GIFT_ROUTES.give}">Give a membership yourself</a></p>`}`),
  };
}

export function giftRedeemedView(o: { siteTitle: string; tier: string; until: string }): View {
  return {
    title: `Welcome to ${o.siteTitle}`,
    main: section(`<h1>Welcome, ${e(o.tier)}</h1>
<p>Your gift is redeemed: you are a ${e(o.tier)} member until ${e(o.until)}, signed in on this device. Nothing will be charged.</p>
<p><a href="/">Start reading</a></p>`),
  };
}
