// The function's own pages, as the HTML that goes into the shell's main. Every value is escaped here.

import { escapeHtml as e } from '../http/html.ts';

export interface View {
  title: string;
  main: string;
}

export const ROUTES = {
  checkout: '/_truefans/checkout',
  checkoutComplete: '/_truefans/checkout/complete',
  signIn: '/_truefans/signin',
  signInConfirm: '/_truefans/signin/confirm',
  signOut: '/_truefans/signout',
  portal: '/_truefans/portal',
  account: '/_truefans/account',
  feedReset: '/_truefans/feed-reset',
  webhook: '/_truefans/webhook',
  feed: '/_truefans/feed/',
} as const;

const section = (body: string) => `<section class="truefans-page">\n${body}\n</section>`;

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

export function welcomeView(o: { siteTitle: string; author: string; what: string; thankYou: string; returnTo: string; gift?: boolean }): View {
  return {
    title: o.gift ? `Thank you from ${o.siteTitle}` : `Welcome to ${o.siteTitle}`,
    main: section(`<h1>${o.gift ? 'Thank you for your gift' : 'Welcome, true fan'}</h1>
${o.gift ? '<p>Your support is received.</p>' : `<p>You are in: ${e(o.what)}.</p>`}
<blockquote class="truefans-thank-you"><p>${e(o.thankYou)}</p><footer>— ${e(o.author)}</footer></blockquote>
<p><a href="${e(o.returnTo)}">Continue reading</a></p>
<p><a href="${ROUTES.account}">Your account</a></p>`),
  };
}

export function checkEmailView(): View {
  return {
    title: 'Check your email',
    main: section(`<h1>Check your email</h1>
<p>If that address belongs to a member, a sign-in link is on its way. It works once, for the next 15 minutes.</p>
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

export interface AccountSummary {
  tiers: string[];
  offers: string[];
  feedUrl: string;
  /** With a store, sessions can be revoked: the page offers "Sign out everywhere". */
  revocable?: boolean;
}

export function accountView(a: AccountSummary): View {
  const held = [...a.tiers.map((t) => `<li>Membership: ${e(t)}</li>`), ...a.offers.map((o) => `<li>Purchase: ${e(o)}</li>`)];
  const list = held.length ? `<ul>\n${held.join('\n')}\n</ul>` : '<p>You have no active membership right now.</p>';
  return {
    title: 'Your account',
    main: section(`<h1>Your account</h1>
${list}
<form method="post" action="${ROUTES.portal}"><button type="submit">Manage membership and billing</button></form>
<h2>Your private feed</h2>
<p>Add this address to a feed reader or podcast app to read members-only posts there. Keep it to yourself: it works without signing in.</p>
<p><input type="text" readonly value="${e(a.feedUrl)}" size="60" aria-label="Your private feed address"></p>
<form method="post" action="${ROUTES.feedReset}"><button type="submit">Reset my feed address</button></form>
<p>If someone else has your feed address, reset it: the old one stops working and this page shows the new one.</p>
<form method="post" action="${ROUTES.signOut}"><button type="submit">Sign out</button></form>
${
  a.revocable
    ? `<form method="post" action="${ROUTES.signOut}"><input type="hidden" name="everywhere" value="1"><button type="submit">Sign out everywhere</button></form>
<p>Signs out every browser and device you signed in on, including this one.</p>`
    : '<p>Signing out removes your sign-in from this browser. This site cannot sign out other devices: a sign-in lasts until it expires there.</p>'
}`),
  };
}
