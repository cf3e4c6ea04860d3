// The function's own pages, as the HTML that goes into the shell's main. Every value is escaped here.

import { escapeHtml as e } from '../http/html.ts';
import { wallFormHtml } from './wall-form.ts';
import { letterFormHtml } from './letter-views.ts';
import { ROUTES } from '../paths.ts';
import { COPY_FEED_SCRIPT } from './copy-script.ts';

export interface View {
  title: string;
  main: string;
}

const section = (body: string) => `<section class="truefans-page">\n${body}\n</section>`;

/** The podcast:// form of a feed address, which podcast apps (Apple Podcasts, Overcast, Pocket Casts) open as a subscription. */
export function podcastLink(feedUrl: string): string {
  return feedUrl.replace(/^https?:\/\//, 'podcast://');
}

export function signInForm(returnTo: string, label = 'Email me a sign-in link'): string {
  return `<form method="post" action="${ROUTES.signIn}" class="truefans-signin">
<label>Your email <input type="email" name="email" required autocomplete="email"></label>
<input type="hidden" name="return_to" value="${e(returnTo)}">
<button type="submit">${e(label)}</button>
</form>`;
}

export function problemView(title: string, message: string, options: { returnTo?: string; signIn?: boolean } = {}): View {
  const back = options.returnTo ? `<p><a href="${e(options.returnTo)}">Go back</a></p>` : '<p><a href="/">Go to the home page</a></p>';
  const signIn = options.signIn ? `<p>Already a member? Sign in with the email you paid with:</p>\n${signInForm(options.returnTo ?? '/')}` : '';
  return { title, main: section(`<h1>${e(title)}</h1>\n<p>${e(message)}</p>\n${signIn}\n${back}`) };
}

/** What a completed checkout bought, for the completion page's wording. */
export type Bought =
  | { kind: 'tier'; tier: string; trial?: string | undefined }
  | { kind: 'offer'; offer: string; download?: string | undefined }
  | { kind: 'gift'; amount: string };

export function welcomeView(o: { siteTitle: string; author: string; bought: Bought; thankYou: string; returnTo: string }): View {
  const { bought } = o;
  const quote = `<blockquote class="truefans-thank-you"><p>${e(o.thankYou)}</p><footer>— ${e(o.author)}</footer></blockquote>`;
  const account = `<p><a href="${ROUTES.account}">Your account</a></p>`;
  if (bought.kind === 'tier') {
    return {
      title: `Welcome to ${o.siteTitle}`,
      main: section(`<h1>Welcome, ${e(bought.tier)}</h1>
<p>You’re now a ${e(bought.tier)} member of ${e(o.siteTitle)}, signed in on this device.</p>
${bought.trial ? `<p class="truefans-trial">${e(bought.trial)}</p>
` : ''}${quote}
<p><a href="${e(o.returnTo)}">Continue reading</a></p>
${account}`),
    };
  }
  if (bought.kind === 'offer') {
    return {
      title: `Thank you from ${o.siteTitle}`,
      main: section(`<h1>Thank you for buying ${e(bought.offer)}</h1>
<p>It’s yours to keep.${bought.download ? ' Download it now, or any time later from your account.' : ''}</p>
${bought.download ? `<p><a class="button" href="${e(bought.download)}" download>Download ${e(bought.offer)}</a></p>
` : ''}${quote}
<p><a href="${e(o.returnTo)}">Back to the site</a></p>
${account}`),
    };
  }
  return {
    title: `Thank you from ${o.siteTitle}`,
    main: section(`<h1>Thank you for your gift</h1>
<p>Your support of ${e(bought.amount)} is received. It goes straight to ${e(o.author)}.</p>
${quote}
<p><a href="${e(o.returnTo)}">Back to the site</a></p>`),
  };
}

export function checkEmailView(): View {
  return {
    title: 'Check your email',
    main: section(`<h1>Check your email</h1>
<p>If that address belongs to a member or a follower, a sign-in link is on its way. It works once, for the next 15 minutes.</p>
<p>Nothing arrived? Check your spam folder, or make sure you used the email you paid with.</p>`),
  };
}

export function signInView(returnTo: string, message?: string): View {
  return {
    title: 'Sign in',
    main: section(`<h1>Sign in</h1>
${message ? `<p>${e(message)}</p>\n` : ''}<p>Enter the email you paid with, and we will send you a link to sign in. No password needed.</p>
${signInForm(returnTo)}`),
  };
}

export function confirmSignInView(token: string): View {
  return {
    title: 'Confirm sign-in',
    main: section(`<h1>Sign in on this device?</h1>
<p>Press the button to finish signing in.</p>
<form method="post" action="${ROUTES.signInConfirm}">
<input type="hidden" name="token" value="${e(token)}">
<button type="submit">Sign me in</button>
</form>`),
  };
}

/** One Stripe customer of the fan, with what it holds (names, for display). */
export interface AccountCustomer {
  id: string;
  tiers: string[];
  offers: string[];
}

export interface AccountPlan {
  tierId: string;
  tier: string;
  /** "$7 a month". */
  price: string;
  status: string;
  /** One sentence on what happens next: next charge, trial end, "ends on ...", or when it ended. */
  next: string;
  live: boolean;
  /** For an ended membership: rejoin buttons (interval and label). */
  rejoin?: { interval: 'month' | 'year'; label: string }[];
}

export interface AccountItem {
  name: string;
  /** "November 20, 2026". */
  bought: string;
  download?: string;
}

export interface AccountSummary {
  email: string | undefined;
  plans: AccountPlan[];
  purchases: AccountItem[];
  feedUrl: string;
  /** Filled only when the fan has several customers: each gets its own "Manage" button. */
  customers?: AccountCustomer[];
  /** With a store, sessions can be revoked: the page offers "Sign out everywhere". */
  revocable?: boolean;
  /** Set when Stripe could not be asked: the page shows only what the session says. */
  degraded?: string[];
  /** With the supporter wall on: the fan's name on it (undefined: not on it). */
  wall?: { name: string | undefined };
  /** Whether new posts come by email (undefined: not known, the switch is not shown). */
  postEmails?: boolean;
  /** Set when this fan may write to the creator (site.yaml `letters`): the creator's name for the form. */
  letterTo?: string;
}

function manageForm(label: string, customer?: string): string {
  const field = customer ? `<input type="hidden" name="customer" value="${e(customer)}">` : '';
  return `<form method="post" action="${ROUTES.portal}">${field}<button type="submit">${e(label)}</button></form>`;
}

/** One button, or one per Stripe customer when the fan paid more than once with this email. */
function manage(customers: AccountCustomer[] | undefined): string {
  if (!customers || customers.length < 2) return manageForm('Manage membership and billing');
  const rows = customers.map((c, i) => `<li>${e([...c.tiers, ...c.offers].join(', ') || 'nothing active')} ${manageForm(`Manage billing ${i + 1}`, c.id)}</li>`);
  return `<p>You paid more than once with this email, so Stripe keeps your billing in ${customers.length} places:</p>\n<ul>\n${rows.join('\n')}\n</ul>`;
}

function planHtml(p: AccountPlan): string {
  const rejoin = p.rejoin?.length
    ? `<form method="post" action="${ROUTES.checkout}" class="truefans-rejoin">
<input type="hidden" name="tier" value="${e(p.tierId)}">
<input type="hidden" name="return_to" value="${ROUTES.account}">
${p.rejoin.map((r) => `<button type="submit" name="interval" value="${r.interval}">${e(r.label)}</button>`).join('\n')}
</form>`
    : '';
  return `<section class="truefans-plan" aria-label="Membership: ${e(p.tier)}">
<h3>Membership: ${e(p.tier)}</h3>
<p>${e(p.price)} · ${e(p.status)}</p>
<p>${e(p.next)}</p>
${rejoin}</section>`;
}

export function accountView(a: AccountSummary): View {
  const live = a.plans.filter((p) => p.live);
  const plans = live.length
    ? live.map(planHtml).join('\n')
    : `<p>You have no active membership right now.</p>\n${a.plans.map(planHtml).join('\n')}`;
  const degraded = a.degraded ? `<p class="truefans-notice" role="status">The payment service did not answer just now, so prices and dates are missing. You hold: ${e(a.degraded.join(', ') || 'no membership')}.</p>` : '';
  const purchases = a.purchases.length
    ? `<h2>Your purchases</h2>\n<ul class="truefans-purchases">\n${a.purchases
        .map((p) => `<li><strong>${e(p.name)}</strong>, bought on ${e(p.bought)}${p.download ? ` <a class="button" href="${e(p.download)}" download>Download ${e(p.name)}</a>` : ''}</li>`)
        .join('\n')}\n</ul>`
    : '';
  return {
    title: 'Your account',
    main: section(`<h1>Your account</h1>
${a.email ? `<p>Signed in as <strong>${e(a.email)}</strong>.</p>` : ''}
${degraded}<h2>Your membership</h2>
${a.degraded ? '' : plans}
${purchases}
${a.postEmails === undefined ? '' : `${postEmailsSection(a.postEmails)}\n`}${a.wall ? wallFormHtml(a.wall.name) : ''}
${a.letterTo ? letterFormHtml(a.letterTo) : ''}
<h2>Billing</h2>
${manage(a.customers)}
<h2>Your private feed</h2>
<p>Add this address to a feed reader or podcast app to read members-only posts and hear members-only recordings there. Keep it to yourself: it works without signing in.</p>
<p><input id="feed-address" type="text" readonly value="${e(a.feedUrl)}" size="60" aria-label="Your private feed address"> <button type="button" data-copy="feed-address" hidden>Copy</button></p>
<p><a href="${e(podcastLink(a.feedUrl))}">Open in your podcast app</a></p>
<script>${COPY_FEED_SCRIPT}</script>
<form method="post" action="${ROUTES.feedReset}"><button type="submit">Reset my feed address</button></form>
<p>If someone else has your feed address, reset it: the old one stops working and this page shows the new one.</p>
<h2>Signing out</h2>
<form method="post" action="${ROUTES.signOut}"><button type="submit">Sign out</button></form>
${
  a.revocable
    ? `<form method="post" action="${ROUTES.signOut}"><input type="hidden" name="everywhere" value="1"><button type="submit">Sign out everywhere</button></form>
<p>Signs out every browser and device you signed in on, including this one.</p>`
    : '<p>Signing out removes your sign-in from this browser. This site cannot sign out other devices: a sign-in lasts until it expires there.</p>'
}`),
  };
}

export function signedOutView(): View {
  return {
    title: 'Signed out',
    main: section(`<h1>You’re signed out</h1>
<p>This browser no longer opens members-only posts. Your membership carries on; sign in again any time with your email.</p>
<p><a href="/">Go to the home page</a> · <a href="/signin/">Sign in again</a></p>`),
  };
}

export function signOutView(): View {
  return {
    title: 'Sign out',
    main: section(`<h1>Sign out of this browser?</h1>
<form method="post" action="${ROUTES.signOut}"><button type="submit">Sign out</button></form>
<p><a href="${ROUTES.account}">Back to your account</a></p>`),
  };
}

// ---- Following for free, and post emails ----

/** The same page for every address, known or not, valid or not taken: it never says which. */
export function followCheckEmailView(): View {
  return {
    title: 'Check your email',
    main: section(`<h1>Check your email</h1>
<p>We sent a link to confirm that you want new posts by email. It works for two days.</p>
<p>Nothing arrived? Check your spam folder, or try again with the address you meant.</p>`),
  };
}

export function confirmFollowView(siteTitle: string, token: string): View {
  return {
    title: `Follow ${siteTitle}`,
    main: section(`<h1>Get new posts from ${e(siteTitle)} by email?</h1>
<p>Press the button to confirm. It is free, and every email has a link to stop them.</p>
<form method="post" action="${ROUTES.followConfirm}">
<input type="hidden" name="token" value="${e(token)}">
<button type="submit">Yes, send me new posts</button>
</form>`),
  };
}

export function followedView(siteTitle: string, email: string): View {
  return {
    title: `You follow ${siteTitle}`,
    main: section(`<h1>You follow ${e(siteTitle)}</h1>
<p>New posts will come to <strong>${e(email)}</strong>. Every email has a link to stop them.</p>
<p><a href="/">Go to the home page</a> · <a href="/membership/">Become a member</a></p>`),
  };
}

/** The unsubscribe link's page: one button, so a mail scanner that opens the link changes nothing. */
export function unsubscribeView(action: string, token: string): View {
  return {
    title: 'Stop post emails',
    main: section(`<h1>Stop getting new posts by email?</h1>
<form method="post" action="${e(action)}">
<input type="hidden" name="t" value="${e(token)}">
<button type="submit">Unsubscribe</button>
</form>
<p>Emails about your membership or purchases, if you have any, still come.</p>`),
  };
}

export function unsubscribedView(email: string): View {
  return {
    title: 'Unsubscribed',
    main: section(`<h1>You’re unsubscribed</h1>
<p><strong>${e(email)}</strong> will get no more post emails from this site.</p>
<p>Changed your mind? Follow again with the form at the end of any post, or, as a member, turn post emails on from <a href="${ROUTES.account}">your account</a>.</p>`),
  };
}

export function postEmailsSection(on: boolean): string {
  return `<h2>New posts by email</h2>
<p>${on ? 'New posts come to you by email.' : 'Post emails are off: new posts do not come to you by email.'}</p>
<form method="post" action="${ROUTES.postEmails}"><input type="hidden" name="emails" value="${on ? 'off' : 'on'}"><button type="submit">${on ? 'Turn post emails off' : 'Turn post emails on'}</button></form>`;
}
