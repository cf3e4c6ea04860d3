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

/**
 * Said when another customer with the checkout's email already had a membership: the fan may be paying twice.
 * To a browser not signed in by email it says no more than that (the email typed on Checkout proves nothing).
 * The new membership's own portal is open to this browser, which made it.
 */
function duplicateNotice(d: { verified: boolean }): string {
  const how = d.verified
    ? `<p>You can see both on <a href="${ROUTES.account}">your account page</a>: cancel the one you do not need there with its "Manage" button.</p>`
    : `<p>If that was you, you may now be paying twice. To cancel the membership you just bought, use this button (nothing else changes):</p>
<form method="post" action="${ROUTES.portal}"><button type="submit">Cancel or change the membership you just bought</button></form>
<p>To see the membership you already had, sign in by email:</p>
${signInForm(ROUTES.account, 'Email me a sign-in link')}`;
  return `<div class="truefans-notice" role="alert">
<h2>This email already had a membership</h2>
<p>This email already had a membership on this site before this payment.</p>
${how}
</div>`;
}

export function welcomeView(o: { siteTitle: string; author: string; what: string; thankYou: string; returnTo: string; gift?: boolean; duplicate?: { verified: boolean } }): View {
  return {
    title: o.gift ? `Thank you from ${o.siteTitle}` : `Welcome to ${o.siteTitle}`,
    main: section(`<h1>${o.gift ? 'Thank you for your gift' : 'Welcome, true fan'}</h1>
${o.gift ? '<p>Your support is received.</p>' : `<p>You are in: ${e(o.what)}.</p>`}
${o.duplicate ? duplicateNotice(o.duplicate) : ''}
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

/** One Stripe customer of the fan, with what it holds (names, for display). */
export interface AccountCustomer {
  id: string;
  tiers: string[];
  offers: string[];
}

export interface AccountSummary {
  tiers: string[];
  offers: string[];
  feedUrl: string;
  /** Filled only when the fan has several customers: each gets its own "Manage" button. */
  customers?: AccountCustomer[];
}

function manageForm(label: string, customer?: string): string {
  const field = customer ? `<input type="hidden" name="customer" value="${e(customer)}">` : '';
  return `<form method="post" action="${ROUTES.portal}">${field}<button type="submit">${e(label)}</button></form>`;
}

export function accountView(a: AccountSummary): View {
  const held = [...a.tiers.map((t) => `<li>Membership: ${e(t)}</li>`), ...a.offers.map((o) => `<li>Purchase: ${e(o)}</li>`)];
  const list = held.length ? `<ul>\n${held.join('\n')}\n</ul>` : '<p>You have no active membership right now.</p>';
  const several = (a.customers ?? []).length > 1;
  const manage = several
    ? `<p>You paid more than once with this email, so Stripe keeps your billing in ${a.customers!.length} places:</p>\n<ul>\n${a
        .customers!.map((c, i) => {
          const what = [...c.tiers, ...c.offers].join(', ') || 'nothing active';
          return `<li>${e(what)} ${manageForm(`Manage billing ${i + 1}`, c.id)}</li>`;
        })
        .join('\n')}\n</ul>`
    : manageForm('Manage membership and billing');
  return {
    title: 'Your account',
    main: section(`<h1>Your account</h1>
${list}
${manage}
<h2>Your private feed</h2>
<p>Add this address to a feed reader or podcast app to read members-only posts there. Keep it to yourself: it works without signing in.</p>
<p><input type="text" readonly value="${e(a.feedUrl)}" size="60" aria-label="Your private feed address"></p>
<form method="post" action="${ROUTES.signOut}"><button type="submit">Sign out</button></form>`),
  };
}
