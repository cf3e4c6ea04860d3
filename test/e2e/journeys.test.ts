// The whole system in headless Chromium, as a fan uses it: the demo `npm start` runs (the built example
// site behind the Node adapter, the local Stripe stand-in with its hosted checkout and portal, the local
// outbox), driven through pages, forms and links only. One demo for the file; one browser context per fan.

import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeCheck, describeFindings, isSerious, type AxeFinding } from './axe.ts';
import { fanIdentity, journey, newFan, RECHECK_SECONDS, startFixture, type Fixture } from './demo-fixture.ts';
import { client } from '../tools/stripe-local/helpers.ts';
import { createKeyring } from '../../src/core/crypto/keys.ts';
import { signUnsubscribeToken, unsubscribeUrl } from '../../src/core/tokens/unsubscribe.ts';
import {
  CARDS,
  confirmSignIn,
  expectLocked,
  expectOpen,
  expectLandedOnPost,
  findMail,
  followSignInLink,
  joinFromPost,
  openAccount,
  openPortal,
  pay,
  PATRON_POST,
  requestSignInLink,
  signOut,
  TRUE_FAN_POST,
} from './fan-steps.ts';

const JOURNEY_MS = 60_000;
/** A public post of the example site: it ends with the follow form. */
const PUBLIC_POST = '/posts/welcome-to-the-barn/';

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture();
}, 180_000);

afterAll(async () => {
  await fx?.close();
});

interface Fan {
  email: string;
  name: string;
  context: BrowserContext;
  page: Page;
}

// The journeys, written once and run with scripts on and with scripts off (journey 7).

/** 1. A visitor sees the teaser and the tiers that open the post, never the members-only text. */
async function visitorSeesTeaser(fan: Fan): Promise<void> {
  await expectLocked(fan.page, TRUE_FAN_POST);
  const { page } = fan;
  // The teaser of a post gated whole is its description.
  await page.getByText('The full chord chart for the newest song, in open G').first().waitFor();
  await page.getByRole('heading', { name: 'The rest of this post is for True Fan members', exact: true }).waitFor();
  const trueFan = page.getByRole('group', { name: 'True Fan' });
  await trueFan.getByText('Starts with a 7-day free trial').waitFor();
  await trueFan.getByRole('button', { name: 'Join for $70 a year' }).waitFor();
  await page.getByRole('group', { name: 'Patron' }).getByRole('button', { name: 'Join for $200 a year' }).waitFor();
  // Listener does not open a True Fan post, so it is not offered here.
  expect(await page.getByRole('group', { name: 'Listener' }).count()).toBe(0);
}

/** 2. The visitor joins True Fan yearly from the post, pays on hosted checkout, and reads the post. */
async function subscribeYearly(fan: Fan): Promise<void> {
  const { page, email, name } = fan;
  await expectLocked(page, TRUE_FAN_POST);
  await joinFromPost(page, fx, 'True Fan', 'Join for $70 a year');
  // Hosted checkout, on the stand-in's own origin (as checkout.stripe.com would be).
  expect(new URL(page.url()).origin).toBe(new URL(fx.standIn.url).origin);
  expect(new URL(page.url()).origin).not.toBe(new URL(fx.demo.url).origin);
  await page.getByRole('heading', { level: 1, name: 'True Fan' }).waitFor();
  await page.getByText('7 days free, then $70.00/year').waitFor();
  await pay(page, { email, name, card: CARDS.ok });
  // Join, pay, read: back on the post, open, with the trial stated.
  await expectLandedOnPost(page, fx, 'True Fan', TRUE_FAN_POST);
  await page.getByRole('status').getByText('Your 7-day trial ends on Nov 27; then $70 a year. Cancel any time before from your account.').waitFor();
  // The header knows them: their tier, no "Sign in", no "Join".
  const members = page.getByRole('navigation', { name: 'Members', exact: true });
  await members.getByRole('link', { name: 'Your membership True Fan' }).waitFor();
  expect(await members.getByRole('link', { name: /^(Sign in|Join)$/ }).count()).toBe(0);
  await expectOpen(page, TRUE_FAN_POST);

  // The fan's welcome and the creator's note, as the outbox page shows them.
  const welcome = await findMail(page, fx, email, 'Welcome to Maren Holt');
  await welcome.getByText('You are now a member of Maren Holt: the True Fan membership.').waitFor();
  const newFan = await findMail(page, fx, 'creator@example.com', `A new true fan: ${name}`);
  await newFan.getByText(`${name} just joined Maren Holt: the True Fan membership.`).waitFor();
}

/** The example's members-only recording (content/posts/kitchen-table-demo.md, access: true-fan, 8 seconds). */
const DEMO_POST = '/posts/kitchen-table-demo/';

/**
 * 12. A True Fan plays the members-only demo with the browser's own player and seeks near its end: the
 * recording plays to the end, fetched by range requests the server answers with 206. A visitor's browser
 * gets no player and the recording's URL gives it no bytes.
 */
async function playAndSeek(fan: Fan): Promise<void> {
  const { page } = fan;
  const answers: { status: number; range: string | undefined }[] = [];
  page.on('response', (res) => {
    if (new URL(res.url()).pathname.startsWith('/_truefans/asset/')) answers.push({ status: res.status(), range: res.request().headers().range });
  });
  await page.goto(DEMO_POST);
  await page.getByRole('heading', { level: 1, name: /^Kitchen table demo/ }).waitFor();
  const audio = page.getByLabel(/^Listen: Kitchen table demo/);
  await audio.waitFor({ state: 'attached' });
  const src = await audio.evaluate((a: HTMLAudioElement) => a.currentSrc || a.src);
  expect(new URL(src).pathname).toMatch(/^\/_truefans\/asset\/[\w-]+\/kitchen-table-demo\.wav$/);
  const duration = await audio.evaluate(
    (a: HTMLAudioElement) =>
      new Promise<number>((resolve, reject) => {
        if (a.readyState >= 1) return resolve(a.duration);
        a.addEventListener('loadedmetadata', () => resolve(a.duration));
        a.addEventListener('error', () => reject(new Error(`media error ${a.error?.code}`)));
        a.load();
      }),
  );
  expect(duration).toBeGreaterThan(7.5);
  expect(duration).toBeLessThan(8.5);
  // Seek to a second and a half before the end and play (muted, as autoplay allows): it must reach the end.
  const ended = await audio.evaluate(
    (a: HTMLAudioElement) =>
      new Promise<number>((resolve, reject) => {
        a.muted = true;
        a.addEventListener('ended', () => resolve(a.currentTime));
        a.addEventListener('error', () => reject(new Error(`media error ${a.error?.code}`)));
        a.currentTime = a.duration - 1.5;
        a.play().catch(reject);
      }),
  );
  expect(ended).toBeGreaterThan(duration - 0.2);
  expect(answers.length).toBeGreaterThan(0);
  expect(answers.every((a) => a.status === 206 && /^bytes=\d+-/.test(a.range ?? '')), JSON.stringify(answers)).toBe(true);

  // A visitor: no player on the page, and the recording's own URL answers 403 with none of its bytes.
  const visitor = await newFan(fx);
  try {
    await visitor.page.goto(DEMO_POST);
    await visitor.page.getByRole('heading', { name: 'The rest of this post is for True Fan members', exact: true }).waitFor();
    expect(await visitor.page.locator('audio').count()).toBe(0);
    const denied = await visitor.page.request.get(src, { headers: { range: 'bytes=0-' }, failOnStatusCode: false });
    expect(denied.status()).toBe(403);
    expect(denied.headers()['content-range']).toBeUndefined();
    expect((await denied.body()).includes(Buffer.from('RIFF'))).toBe(false);
  } finally {
    await visitor.context.close();
  }
}

/** 4. Signed out, the fan reads only the teaser; signed in again by emailed link, the whole post. */
async function signOutAndBackIn(fan: Fan): Promise<void> {
  const { page, email } = fan;
  await signOut(page, fx);
  await expectLocked(page, TRUE_FAN_POST);

  await requestSignInLink(page, email);
  await followSignInLink(page, fx, email);
  // Opening the link only asks; the fan is not signed in until they press the button.
  const other = await fan.context.newPage();
  await expectLocked(other, TRUE_FAN_POST);
  await other.close();
  await confirmSignIn(page);
  await expectOpen(page, TRUE_FAN_POST);
}

describe('a fan in a real browser', () => {
  let yearly: Fan;

  afterAll(async () => {
    await yearly?.context.close();
  });

  it('1. a visitor opens a gated post: the teaser and the tiers, not the members-only text', async () => {
    const { context, page } = await newFan(fx);
    yearly = { ...fanIdentity('yearly'), context, page };
    await journey('1-visitor-sees-teaser', context, () => visitorSeesTeaser(yearly));
  }, JOURNEY_MS);

  it('2. the visitor joins True Fan for $70 a year, pays with 4242, reads the post; both emails are in the outbox', async () => {
    await journey('2-subscribe-yearly', yearly.context, () => subscribeYearly(yearly));
  }, JOURNEY_MS);

  it('12. the True Fan plays the members-only demo and seeks near its end (range requests, 206); a visitor gets no bytes', async () => {
    await journey('12-play-and-seek', yearly.context, () => playAndSeek(yearly));
  }, JOURNEY_MS);

  it('3. the declined card 4000 0000 0000 0002 shows the decline and opens nothing', async () => {
    const { context, page } = await newFan(fx);
    try {
      await journey('3-declined-card', context, async () => {
        await expectLocked(page, TRUE_FAN_POST);
        await joinFromPost(page, fx, 'True Fan', 'Join for $70 a year');
        await pay(page, { ...fanIdentity('declined'), card: CARDS.declined });
        await page.getByRole('alert').getByText('Your card was declined.').waitFor();
        expect(page.url().startsWith(`${fx.standIn.url}/c/pay/`)).toBe(true);
        await expectLocked(page, TRUE_FAN_POST);
        await page.goto('/_truefans/account');
        await page.getByText('Sign in to see your membership.').waitFor();
      });
    } finally {
      await context.close();
    }
  }, JOURNEY_MS);

  it('4. the fan signs out (teaser only), signs in by the emailed link and confirms, and reads again', async () => {
    await journey('4-sign-out-and-in', yearly.context, () => signOutAndBackIn(yearly));
  }, JOURNEY_MS);

  it('5. the fan cancels now in the billing portal; after the re-check interval the post is locked', async () => {
    await journey('5-cancel-now', yearly.context, async () => {
      const { page } = yearly;
      await openPortal(page, fx);
      const plan = page.getByRole('region', { name: /^True Fan/ });
      await plan.getByText('Trial', { exact: true }).waitFor();
      await plan.getByText('Your trial ends on November 27, 2026; then $70.00/year.').waitFor();
      await plan.getByRole('button', { name: 'Cancel now' }).click();
      await page.getByRole('status').getByText('Your membership has been canceled.').waitFor();
      await page.getByRole('heading', { name: 'No active membership' }).waitFor();

      await fx.standIn.clock.advance(RECHECK_SECONDS + 1);
      await fx.standIn.webhooks.flush();
      await page.getByRole('link', { name: '← Return to site' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
      await page.getByText('You have no active membership right now.').waitFor();
      await page.getByRole('button', { name: 'Rejoin for $70 a year' }).waitFor();
      // A lapsed member: welcomed back, with a rejoin button for their old tier.
      await expectLocked(page, TRUE_FAN_POST);
      await page.getByText('Welcome back. Your True Fan membership has ended.').waitFor();
      await page.getByRole('button', { name: 'Rejoin for $70 a year' }).waitFor();
      expect(await page.getByRole('group', { name: 'Patron' }).count()).toBe(0);
    });
  }, JOURNEY_MS);

  it('6. a Listener cannot read a Patron post; switching to Patron in the portal opens it', async () => {
    const { context, page } = await newFan(fx);
    try {
      await journey('6-upgrade', context, async () => {
        await page.goto('/membership/');
        await page.getByRole('group', { name: 'Listener' }).getByRole('button', { name: 'Join for $5 a month' }).click();
        await page.waitForURL((url) => url.href.startsWith(`${fx.standIn.url}/c/pay/`));
        await page.getByRole('heading', { level: 1, name: 'Listener' }).waitFor();
        await pay(page, { ...fanIdentity('listener'), card: CARDS.ok });
        await page.getByRole('heading', { level: 1, name: 'Welcome, Listener' }).waitFor();

        await expectLocked(page, PATRON_POST);
        await page.getByRole('heading', { name: 'The rest of this post is for Patron members', exact: true }).waitFor();

        await openPortal(page, fx);
        await page.getByRole('button', { name: 'Switch to Patron: $20.00/month' }).click();
        await page.getByRole('status').getByText('Your plan has been changed.').waitFor();
        await page.getByRole('region', { name: /^Patron/ }).waitFor();
        // The stand-in's webhook tells the edge the subscription changed, so the next page re-checks.
        await fx.standIn.webhooks.flush();
        await page.getByRole('link', { name: '← Return to site' }).click();
        await page.getByText('Membership: Patron').waitFor();
        await expectOpen(page, PATRON_POST);
      });
    } finally {
      await context.close();
    }
  }, JOURNEY_MS);

  it('8. a True Fan on a Patron post sees one upgrade, confirms it on the portal (proration shown) and lands back on the post, open', async () => {
    const { context, page } = await newFan(fx);
    try {
      await journey('8-upgrade-from-post', context, async () => {
        await page.goto('/membership/');
        await page.getByRole('group', { name: 'True Fan' }).getByRole('button', { name: 'Join for $7 a month' }).click();
        await page.waitForURL((url) => url.href.startsWith(`${fx.standIn.url}/c/pay/`));
        await pay(page, { ...fanIdentity('upgrader'), card: CARDS.ok });
        await page.getByRole('heading', { level: 1, name: 'Welcome, True Fan' }).waitFor();
        // Trialing: the completion page states the trial.
        await page.getByText('Your 7-day trial ends on Nov 27; then $7 a month. Cancel any time before from your account.').waitFor();

        // The membership page now marks the plan and offers a switch instead of "Join".
        await page.goto('/membership/');
        await page.getByRole('group', { name: 'True Fan' }).getByText('Your current plan').waitFor();
        expect(await page.getByRole('group', { name: 'Patron' }).getByRole('button', { name: /^Switch to Patron/ }).count()).toBeGreaterThan(0);
        expect(await page.getByRole('button', { name: /^Join for / }).count()).toBe(0);

        await expectLocked(page, PATRON_POST);
        await page.getByText('You’re a True Fan. This post is for Patrons: upgrade for $13 more a month.').waitFor();
        expect(await page.getByRole('button', { name: /^Join for / }).count()).toBe(0);
        await page.getByRole('button', { name: 'Upgrade to Patron' }).click();
        await page.waitForURL((url) => url.href.startsWith(`${fx.standIn.url}/p/session/`));
        await page.getByRole('heading', { level: 1, name: 'Confirm your new plan' }).waitFor();
        await page.getByText(/^Due today: \$0\.00\. Your trial continues/).waitFor();
        await page.getByRole('button', { name: 'Confirm' }).click();
        await page.waitForURL(`${fx.demo.url}${PATRON_POST.path}`);
        await page.getByRole('status').getByText('You’re now a Patron.').waitFor();
        await page.getByText(PATRON_POST.secret).waitFor();

        await openAccount(page);
        await page.getByText('Membership: Patron').first().waitFor();
        await page.getByText('Your trial ends on November 27, 2026; then $20 a month.').waitFor();
      });
    } finally {
      await context.close();
    }
  }, JOURNEY_MS);

  it('9. a buyer of the songbook downloads it from the completion page and the account page', async () => {
    const { context, page } = await newFan(fx);
    try {
      await journey('9-buyer', context, async () => {
        await page.goto('/membership/');
        await page.getByRole('button', { name: /^Buy .*\$12/ }).first().click();
        await page.waitForURL((url) => url.href.startsWith(`${fx.standIn.url}/c/pay/`));
        await pay(page, { ...fanIdentity('buyer'), card: CARDS.ok });
        await page.getByRole('heading', { level: 1, name: 'Thank you for buying The Barn Songbook' }).waitFor();
        expect(await page.getByText(/true fan/i).count()).toBe(0);
        const download = page.getByRole('link', { name: 'Download The Barn Songbook' });
        expect(await download.getAttribute('href')).toMatch(/^\/_truefans\/asset\/[^/]+\/barn-songbook\.pdf$/);
        const file = await page.request.get((await download.getAttribute('href'))!);
        expect(file.status()).toBe(200);
        await openAccount(page);
        await page.getByRole('link', { name: 'Download The Barn Songbook' }).waitFor();
        await page.getByText('The Barn Songbook, bought on November 20, 2026').waitFor();
      });
    } finally {
      await context.close();
    }
  }, JOURNEY_MS);

  it('10. a new True Fan puts a name on the supporter wall at checkout, sees it at /supporters/, changes it and removes it on the account page', async () => {
    const { context, page } = await newFan(fx);
    try {
      await journey('10-supporter-wall', context, async () => {
        await expectLocked(page, TRUE_FAN_POST);
        await joinFromPost(page, fx, 'True Fan', 'Join for $70 a year');
        // Stripe Checkout's custom field, optional, at most 40 characters.
        const field = page.getByLabel('Your name on the supporter wall (optional)');
        expect(await field.getAttribute('maxlength')).toBe('40');
        await field.fill('Wren & the <Barn> Choir');
        await pay(page, { ...fanIdentity('wall'), card: CARDS.ok });
        await expectLandedOnPost(page, fx, 'True Fan', TRUE_FAN_POST);
        await fx.standIn.webhooks.flush();

        await page.goto('/supporters/');
        const trueFans = page.getByRole('region', { name: 'True Fan' });
        await trueFans.getByRole('listitem').filter({ hasText: 'Wren & the <Barn> Choir' }).waitFor();

        await openAccount(page);
        const name = page.getByRole('textbox', { name: 'Your name on the supporter wall' });
        expect(await name.inputValue()).toBe('Wren & the <Barn> Choir');
        await name.fill('  Wren   W. ');
        await page.getByRole('button', { name: 'Save my name' }).click();
        await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
        await page.getByText('Your name on the supporter wall: Wren W.').waitFor();
        await page.getByRole('button', { name: 'Remove my name' }).click();
        await page.getByText('You are not on the supporter wall.').waitFor();
        expect(await page.getByRole('textbox', { name: 'Your name on the supporter wall' }).inputValue()).toBe('');
      });
    } finally {
      await context.close();
    }
  }, JOURNEY_MS);

  it('11. with JavaScript off, a reader follows from a public post, confirms from the outbox, unsubscribes in one click and switches post emails on again from the account page', async () => {
    const { context, page } = await newFan(fx, { javaScriptEnabled: false });
    const { email } = fanIdentity('follower');
    const stripe = client(fx.standIn);
    const customer = async () => {
      const found = (await stripe.customers.list({ email, limit: 10 })).data;
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    try {
      await journey('11-follow', context, async () => {
        await page.goto(PUBLIC_POST);
        const follow = page.locator('article').locator('form', { has: page.getByLabel('Get new posts by email, free') });
        await follow.getByLabel('Get new posts by email, free').fill(email);
        await follow.getByRole('button', { name: 'Follow' }).click();
        await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();

        const mail = await findMail(page, fx, email, 'Confirm: new posts from Maren Holt by email');
        await mail.getByRole('link', { name: /\/_truefans\/follow\/confirm\?token=/ }).click();
        await page.getByRole('heading', { level: 1, name: 'Get new posts from Maren Holt by email?' }).waitFor();
        // Opening the link records nothing; the button does.
        expect((await stripe.customers.list({ email, limit: 10 })).data).toEqual([]);
        await page.getByRole('button', { name: 'Yes, send me new posts' }).click();
        await page.getByRole('heading', { level: 1, name: 'You follow Maren Holt' }).waitFor();
        expect((await customer()).metadata).toMatchObject({ truefans_follower: 'yes', truefans_email: email });

        // The unsubscribe link a post email carries: its page shows one button, and the mail provider's
        // RFC 8058 one-click POST (no Origin, no cookie) turns post emails off.
        const url = unsubscribeUrl(fx.demo.url, await signUnsubscribeToken(await createKeyring(fx.secret), email, fx.standIn.clock.now()));
        await page.goto(url);
        await page.getByRole('heading', { level: 1, name: 'Stop getting new posts by email?' }).waitFor();
        const oneClick = await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        expect(oneClick.status).toBe(200);
        expect((await customer()).metadata.truefans_post_emails).toBe('off');

        // A follower signs in by email and turns them on again on the account page.
        await requestSignInLink(page, email);
        await followSignInLink(page, fx, email);
        await confirmSignIn(page);
        await page.goto('/_truefans/account');
        await page.getByText('Post emails are off: new posts do not come to you by email.').waitFor();
        await page.getByRole('button', { name: 'Turn post emails on' }).click();
        await page.getByText('New posts come to you by email.').waitFor();
        expect((await customer()).metadata.truefans_post_emails).toBeUndefined();
      });
    } finally {
      await context.close();
    }
  }, JOURNEY_MS);

  it('7. with JavaScript off, a visitor sees the teaser, subscribes, signs out and back in', async () => {
    const { context, page } = await newFan(fx, { javaScriptEnabled: false });
    const fan: Fan = { ...fanIdentity('no-script'), context, page };
    try {
      await journey('7-no-javascript', context, async () => {
        // Scripts really are off in this context.
        await page.setContent('<p id="x">off</p><script>document.getElementById("x").textContent = "on"</script>');
        expect(await page.locator('#x').innerText()).toBe('off');
        await visitorSeesTeaser(fan);
        await subscribeYearly(fan);
        await signOutAndBackIn(fan);
      });
    } finally {
      await context.close();
    }
  }, 2 * JOURNEY_MS);
});

describe('accessibility (axe-core)', () => {
  it('the main pages have no serious or critical violations', async () => {
    const { context, page } = await newFan(fx, { bypassCSP: true });
    const findings: AxeFinding[] = [];
    try {
      await journey('axe', context, async () => {
        for (const [label, path] of [['home', '/'], ['membership', '/membership/'], ['sign-in', '/signin/']] as const) {
          await page.goto(path);
          findings.push(...(await axeCheck(page, label)));
        }
        await expectLocked(page, TRUE_FAN_POST);
        findings.push(...(await axeCheck(page, 'post (locked)')));
        await joinFromPost(page, fx, 'True Fan', 'Join for $70 a year');
        findings.push(...(await axeCheck(page, 'stand-in checkout')));
        await pay(page, { ...fanIdentity('axe'), card: CARDS.ok });
        await expectLandedOnPost(page, fx, 'True Fan', TRUE_FAN_POST);
        findings.push(...(await axeCheck(page, 'post (open, welcome banner)')));
        await openAccount(page);
        findings.push(...(await axeCheck(page, 'account')));
        await openPortal(page, fx);
        findings.push(...(await axeCheck(page, 'stand-in portal')));
      });
    } finally {
      await context.close();
    }
    if (findings.length) console.log(`axe findings:\n${describeFindings(findings)}`);
    expect(describeFindings(findings.filter(isSerious))).toBe('');
  }, JOURNEY_MS);
});

describe('behind the pages', () => {
  it('every webhook the stand-in sent during the journeys reached the site and was accepted at the first attempt', async () => {
    await fx.standIn.webhooks.flush();
    const sent = fx.standIn.webhooks.sent;
    expect(sent.map((s) => s.type)).toEqual(expect.arrayContaining(['product.created', 'checkout.session.completed', 'customer.subscription.deleted', 'customer.subscription.updated']));
    expect(sent.filter((s) => s.status !== 200 || s.attempts !== 1).map((s) => `${s.type}: ${s.status} after ${s.attempts} attempt(s)`)).toEqual([]);
  }, 30_000);
});

// Issue 15's "done": a gift and a letter, end to end. Last in the file: the gift's reminder moves the
// stand-in's clock a year on.
describe('gifts and letters in a real browser', () => {
  const DAY = 86_400;

  it('12. a member writes to the creator from a post: asked to prove their email first, then the letter goes with Reply-To them, escaped, and they get a copy', async () => {
    const { context, page } = await newFan(fx);
    const { email, name } = fanIdentity('writer');
    const subject = 'About the <barn> & the rain';
    const words = '<script>alert("hi")</script>\nThank you for the songs.';
    const write = async () => {
      const letter = page.getByRole('region', { name: 'Write to Maren Holt' });
      await letter.getByLabel('Subject (optional)').fill(subject);
      await letter.getByLabel('Your letter').fill(words);
      await letter.getByRole('button', { name: 'Send to Maren Holt' }).click();
    };
    try {
      await journey('12-letter', context, async () => {
        // The form is for members: a visitor's scripts hide it (the member hint); the function decides anyway.
        await page.goto(PUBLIC_POST);
        expect(await page.getByRole('region', { name: 'Write to Maren Holt' }).isVisible()).toBe(false);
        await expectLocked(page, TRUE_FAN_POST);
        await joinFromPost(page, fx, 'True Fan', 'Join for $70 a year');
        await pay(page, { email, name, card: CARDS.ok });
        await expectLandedOnPost(page, fx, 'True Fan', TRUE_FAN_POST);

        await page.goto(PUBLIC_POST);
        await write();
        // Paying proved a payment, not the mailbox the creator would answer: a sign-in link first.
        await page.getByText('To write to Maren Holt, confirm your email address first').waitFor();
        expect(fx.demo.outbox.messages.filter((m) => m.kind === 'letter')).toEqual([]);
        await page.getByLabel('Email address').fill(email);
        await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
        await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
        await followSignInLink(page, fx, email);
        await confirmSignIn(page);
        // Signed in (the link lands on the account page, which has the form too); back to the post to write.
        await page.getByRole('region', { name: 'Write to Maren Holt' }).waitFor();
        await page.goto(PUBLIC_POST);
        await write();
        await page.getByRole('heading', { level: 1, name: 'Your letter is on its way' }).waitFor();
        expect(await page.content()).not.toContain('creator@example.com');

        const toCreator = await findMail(page, fx, 'creator@example.com', `Letter from ${email}: ${subject}`);
        await toCreator.getByText(`Reply-To ${email}`).waitFor();
        await toCreator.getByText(`${email} wrote to you from Maren Holt, after reading`).waitFor();
        const sent = fx.demo.outbox.messages.find((m) => m.kind === 'letter' && m.replyTo === email)!;
        expect(sent.to).toBe('creator@example.com');
        expect(sent.text).toContain(words);
        expect(sent.html).toContain('&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;<br>Thank you for the songs.');
        expect(sent.html).not.toContain('<script>');
        const copy = await findMail(page, fx, email, `Your letter to Maren Holt: ${subject}`);
        await copy.getByText('This is a copy of your letter to Maren Holt').waitFor();
        expect(await copy.innerText()).not.toContain('creator@example.com');
      });
    } finally {
      await context.close();
    }
  }, 2 * JOURNEY_MS);

  it('13. a fan buys a year of True Fan for a friend; the friend redeems it once and reads with no card; a second redemption is refused; the reminder comes 3 days before the end', async () => {
    const buyer = await newFan(fx);
    const friend = await newFan(fx);
    const stranger = await newFan(fx);
    const friendEmail = fanIdentity('friend').email;
    const strangerEmail = fanIdentity('stranger').email;
    const stripe = client(fx.standIn);
    const askForClaimLink = async (page: Page, link: string, email: string) => {
      await page.goto(link);
      await page.getByRole('heading', { level: 1, name: 'A gift membership' }).waitFor();
      await page.getByText('Not redeemed yet').waitFor();
      await page.getByLabel('Your email').fill(email);
      await page.getByRole('button', { name: 'Email me the link' }).click();
      await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    };
    const openClaimLink = async (page: Page, email: string) => {
      const mail = await findMail(page, fx, email, 'Redeem your gift on Maren Holt');
      await mail.getByRole('link', { name: /\/_truefans\/gift\/claim\?token=/ }).click();
    };
    try {
      await journey('13-gift', buyer.context, async () => {
        const { page } = buyer;
        await page.goto('/_truefans/gift');
        await page.getByRole('heading', { level: 1, name: 'Give a membership' }).waitFor();
        await page.getByRole('radio', { name: 'True Fan, 1 year: $70' }).check();
        await page.getByLabel('Their name (optional)').fill('Robin');
        await page.getByLabel('A message (optional)').fill('For the rainy evenings.');
        await page.getByRole('button', { name: 'Pay for the gift' }).click();
        await page.waitForURL((url) => url.href.startsWith(`${fx.standIn.url}/c/pay/`));
        await pay(page, { ...fanIdentity('giver'), card: CARDS.ok });
        await page.getByRole('heading', { level: 1, name: 'Thank you: your gift is ready' }).waitFor();
        const link = await page.getByRole('textbox', { name: "The gift's link" }).inputValue();
        expect(link).toMatch(/\/_truefans\/gift\/redeem\?token=/);

        // The friend and a stranger who got hold of the link both ask for a claim link; the friend redeems.
        await askForClaimLink(friend.page, link, friendEmail);
        await askForClaimLink(stranger.page, link, strangerEmail);
        await openClaimLink(friend.page, friendEmail);
        await friend.page.getByRole('heading', { level: 1, name: 'Redeem your gift' }).waitFor();
        await friend.page.getByText(`Redeeming makes ${friendEmail} a True Fan member until`).waitFor();
        await friend.page.getByRole('button', { name: 'Redeem the gift' }).click();
        await friend.page.getByRole('heading', { level: 1, name: 'Welcome, True Fan' }).waitFor();
        await expectOpen(friend.page, TRUE_FAN_POST);
        // No card: a trial with no payment method, which ends by itself.
        const [customer] = (await stripe.customers.list({ email: friendEmail, limit: 10 })).data;
        const [gift] = (await stripe.subscriptions.list({ customer: customer!.id, status: 'all' })).data;
        expect(gift).toMatchObject({ status: 'trialing', default_payment_method: null, metadata: { truefans_gift: expect.any(String) } });
        expect(gift!.cancel_at).toBe(gift!.trial_end);

        // The second redemption is refused, and the buyer's link says it was redeemed.
        await openClaimLink(stranger.page, strangerEmail);
        await stranger.page.getByText('This gift has already been redeemed, by another email address.').waitFor();
        await expectLocked(stranger.page, TRUE_FAN_POST);
        await page.goto(link);
        await page.getByText('This gift was redeemed on November 20, 2026.').waitFor();

        // Three days before the gift ends, Stripe's trial_will_end: the reminder, offering to continue.
        await fx.standIn.clock.advance(gift!.trial_end! - Math.floor(fx.standIn.clock.now() / 1000) - 3 * DAY + 60);
        await fx.standIn.webhooks.flush();
        const reminder = await findMail(friend.page, fx, friendEmail, /^Your gift of True Fan ends on /);
        await reminder.getByText('Nothing will be charged: it simply ends.').waitFor();
        await reminder.getByRole('link', { name: /\/membership\// }).waitFor();
      });
    } finally {
      for (const fan of [buyer, friend, stranger]) await fan.context.close();
    }
  }, 3 * JOURNEY_MS);
});
