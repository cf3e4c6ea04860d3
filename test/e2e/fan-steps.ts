// What a fan does in the browser, step by step, and what they should see: open a post, join a tier,
// pay on the hosted checkout, read their mail in the outbox, sign in and out, manage their membership.
// Every check looks at the page as a person would (visible text, buttons, links), not at status codes.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT } from '../../src/local/demo.ts';
import { OUTBOX_PREFIX } from '../../src/local/outbox.ts';
import type { Fixture } from './demo-fixture.ts';

export interface GatedPost {
  path: string;
  title: string;
  /** A sentence from the members-only part of the post's source file. */
  secret: string;
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * A gated post of the example site and a sentence from its members-only part, checked against the
 * source file: after the `<!-- members -->` divider, or anywhere in the body of a post gated whole.
 */
export function gatedPost(slug: string, secret: string): GatedPost {
  const source = readFileSync(join(ROOT, 'content/posts', `${slug}.md`), 'utf8');
  const [, frontmatter = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source) ?? [];
  const access = /^access:\s*(\S+)/m.exec(frontmatter)?.[1] ?? 'public';
  const divider = body.search(/<!--\s*members\s*-->/);
  const membersOnly = divider >= 0 ? body.slice(divider) : access !== 'public' ? body : '';
  if (!squash(membersOnly).includes(secret)) throw new Error(`"${secret}" is not in the members-only part of content/posts/${slug}.md`);
  const title = /^title:\s*"?(.*?)"?$/m.exec(frontmatter)?.[1] ?? slug;
  return { path: `/posts/${slug}/`, title, secret };
}

/** "True Fan" opens it (access: true-fan, gated whole). */
export const TRUE_FAN_POST = gatedPost('kickapoo-valley-rain-alternate-take', 'So the fast one goes on the record, and the slow one lives here, for you.');
/** Only Patrons read it (access: patron). */
export const PATRON_POST = gatedPost('autumn-letter-to-patrons', 'I will be wearing the hat.');

export const CARDS = { ok: '4242 4242 4242 4242', declined: '4000 0000 0000 0002' } as const;

/** The paywall's heading under a locked post. */
const JOIN_HEADING = /^The rest of this post is for .+ members$/;

export async function openPost(page: Page, post: GatedPost): Promise<void> {
  await page.goto(post.path);
  await page.getByRole('heading', { level: 1, name: post.title }).waitFor();
}

/** The teaser and the join card are shown; the members-only sentence is nowhere, not even in the HTML. */
export async function expectLocked(page: Page, post: GatedPost): Promise<void> {
  await openPost(page, post);
  await page.getByRole('heading', { level: 2, name: JOIN_HEADING }).waitFor();
  expect(squash(await page.locator('body').innerText())).not.toContain(post.secret);
  expect(squash(await page.content())).not.toContain(post.secret);
}

/** The full text is on the page and the join card is gone. */
export async function expectOpen(page: Page, post: GatedPost): Promise<void> {
  await openPost(page, post);
  await page.getByText(post.secret).waitFor();
  expect(await page.getByRole('heading', { name: JOIN_HEADING }).count()).toBe(0);
  expect(await page.getByRole('button', { name: /^Join for / }).count()).toBe(0);
}

/** On a locked post: the tier's join button, which posts the form and lands on hosted checkout. */
export async function joinFromPost(page: Page, fixture: Fixture, tier: string, button: string): Promise<void> {
  await page.getByRole('group', { name: tier }).getByRole('button', { name: button }).click();
  await page.waitForURL((url) => url.href.startsWith(`${fixture.standIn.url}/c/pay/`));
}

export interface Payment {
  email: string;
  card: string;
  name: string;
}

/** Fills in the hosted checkout form and presses its button (Subscribe, Start trial or Pay ...). */
export async function pay(page: Page, payment: Payment): Promise<void> {
  // The card form only: a payment-mode checkout also has a bank-debit form with its own Email and Pay.
  const form = page.locator('form').filter({ has: page.getByLabel('Card number') });
  const email = form.getByLabel('Email', { exact: true });
  if (!(await email.getAttribute('readonly'))) await email.fill(payment.email);
  await form.getByLabel('Card number').fill(payment.card);
  await form.getByLabel('Expiry (MM / YY)').fill('12 / 30');
  await form.getByLabel('CVC').fill('123');
  await form.getByLabel('Name on card').fill(payment.name);
  await form.getByRole('button', { name: /^(Subscribe|Start trial|Pay\b)/ }).click();
}

/** After paying for a tier from a post: back on that post at once, open, under a short welcome. */
export async function expectLandedOnPost(page: Page, fixture: Fixture, tierName: string, post: GatedPost): Promise<void> {
  await page.waitForURL(`${fixture.demo.url}${post.path}`);
  await page.getByRole('status').getByText(`Welcome, ${tierName}.`).waitFor();
  await page.getByText(post.secret).waitFor();
}

/**
 * The outbox page, reloaded until a message with this subject to this address shows (mail is sent from
 * webhooks and after answers, so it may land a moment later). Returns the message's box.
 */
export async function findMail(page: Page, fixture: Fixture, to: string, subject: string | RegExp) {
  await fixture.standIn.webhooks.flush();
  const deadline = Date.now() + 10_000;
  for (;;) {
    await page.goto(`${fixture.demo.url}${OUTBOX_PREFIX}/`);
    await page.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
    const mail = page.getByRole('article').filter({ has: page.getByRole('heading', { name: subject }) }).filter({ hasText: `To ${to}` });
    if ((await mail.count()) > 0) return mail.first();
    if (Date.now() > deadline) throw new Error(`No email "${subject}" to ${to} in the outbox. It holds:\n${await page.locator('main').innerText()}`);
    await page.waitForTimeout(200);
  }
}

/** "Your membership" in the header leads to the account page. */
export async function openAccount(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Members', exact: true }).getByRole('link', { name: 'Your membership' }).click();
  await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
}

export async function signOut(page: Page, fixture: Fixture): Promise<void> {
  await openAccount(page);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL(`${fixture.demo.url}/_truefans/signout`);
  await page.getByRole('heading', { level: 1, name: 'You’re signed out' }).waitFor();
}

/** The /signin/ form: asks for a link, and is told to check their email. */
export async function requestSignInLink(page: Page, email: string): Promise<void> {
  await page.goto('/signin/');
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
}

/** Opens the sign-in email in the outbox and follows its link to the confirm page (which signs no one in). */
export async function followSignInLink(page: Page, fixture: Fixture, email: string): Promise<void> {
  const mail = await findMail(page, fixture, email, /^Your sign-in link for /);
  await mail.getByRole('link', { name: /\/_truefans\/signin\/confirm\?token=/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in on this device?' }).waitFor();
}

export async function confirmSignIn(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign me in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/_truefans/signin'));
}

/** Account page -> "Manage membership and billing" -> the hosted billing portal. */
export async function openPortal(page: Page, fixture: Fixture): Promise<void> {
  await openAccount(page);
  await page.getByRole('button', { name: 'Manage membership and billing' }).click();
  await page.waitForURL((url) => url.href.startsWith(`${fixture.standIn.url}/p/session/`));
  await page.getByRole('heading', { level: 1, name: 'Manage your membership' }).waitFor();
}
