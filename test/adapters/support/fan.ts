// What a fan does, as HTTP requests to a running runtime: pay through the stand-in's hosted checkout and
// come back a member; ask for a sign-in link and read it from the outbox.

import type { Services } from './services.ts';

export function setCookies(response: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0]!;
    const eq = pair.indexOf('=');
    out.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return out;
}

/** The function's absolute links name the site's URL; this follows them on the runtime instead. */
export function onRuntime(base: string, link: string): string {
  const url = new URL(link);
  return `${base}${url.pathname}${url.search}`;
}

export function postForm(base: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, ...headers },
    body: new URLSearchParams(fields),
  });
}

export interface Checkout {
  /** The 303 that started it. */
  started: Response;
  /** The answer to the return from Stripe. */
  completed: Response;
  /** `truefans=<jwt>` for the next requests. */
  cookie: string;
}

/** Starts a checkout on the runtime, pays it with the test card on the stand-in, and completes it. */
export async function subscribe(base: string, email: string, returnTo: string, tier = 'supporter'): Promise<Checkout> {
  const started = await postForm(base, '/_truefans/checkout', { tier, interval: 'month', return_to: returnTo });
  if (started.status !== 303) throw new Error(`checkout answered ${started.status}`);
  const nonce = setCookies(started).get('truefans-checkout')!;
  const paid = await fetch(started.headers.get('location')!, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ email, name: 'Contract Fan', card_number: '4242 4242 4242 4242', card_expiry: '12 / 34', card_cvc: '123' }),
  });
  if (paid.status !== 303) throw new Error(`the stand-in's checkout answered ${paid.status}`);
  const completed = await fetch(onRuntime(base, paid.headers.get('location')!), { redirect: 'manual', headers: { cookie: `truefans-checkout=${nonce}` } });
  const session = setCookies(completed).get('truefans');
  return { started, completed, cookie: session ? `truefans=${session}` : '' };
}

/** Asks for a sign-in link and returns its token, read from the email the outbox received. */
export async function signInToken(base: string, services: Services, email: string, returnTo: string): Promise<{ answer: Response; token: string; link: string }> {
  const before = services.outbox.emails.length;
  const answer = await postForm(base, '/_truefans/signin', { email, return_to: returnTo });
  const mail = await services.outbox.waitFor(email, 'sign-in', 10_000, before);
  const link = /https?:\/\/\S+\/_truefans\/signin\/confirm\?token=[\w.~-]+/.exec(mail.text)?.[0];
  if (!link) throw new Error('the sign-in email has no link');
  return { answer, token: new URL(link).searchParams.get('token')!, link };
}
