// `npm start`, end to end, for post emails: in headless Chromium a reader follows from a public post and
// confirms from the outbox, another joins True Fan through the hosted checkout; then the creator runs the
// one command `npm start` prints (`npm run send -- --new --demo ...`, as a child process, as typed) and
// both read the True Fan post's email in the outbox: the follower the teaser with a join block and none
// of the members-only text, the member the whole post.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEnv, fanIdentity, journey, newFan, startFixture, type Fixture } from './demo-fixture.ts';
import { CARDS, expectLandedOnPost, findMail, joinFromPost, pay, TRUE_FAN_POST } from './fan-steps.ts';
import { ROOT } from '../../src/local/demo.ts';
import { demoSendCommand } from '../../src/local/tips.ts';

/** A public post of the example site: it ends with the follow form. */
const PUBLIC_POST = '/posts/welcome-to-the-barn/';
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture();
}, 180_000);

afterAll(async () => {
  await fx?.close();
});

/** Runs the printed command (what follows `npm run send --`) with node, as `npm run send` does. */
function runPrinted(command: string): Promise<{ code: number | null; output: string }> {
  const args = command.replace(/^npm run send -- /, '').split(' ');
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/send.ts'), ...args], { cwd: ROOT, env: demoEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => done({ code, output }));
  });
}

describe('post emails in the demo', () => {
  it('a follower and a True Fan member each read the True Fan post\'s email in the outbox, as their tier may read it', async () => {
    const follower = { ...fanIdentity('send-follower'), ...(await newFan(fx, { javaScriptEnabled: false })) };
    const member = { ...fanIdentity('send-member'), ...(await newFan(fx)) };
    try {
      await journey('send-follow', follower.context, async () => {
        const { page, email } = follower;
        await page.goto(PUBLIC_POST);
        const form = page.locator('article').locator('form', { has: page.getByLabel('Get new posts by email, free') });
        await form.getByLabel('Get new posts by email, free').fill(email);
        await form.getByRole('button', { name: 'Follow' }).click();
        await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
        const mail = await findMail(page, fx, email, 'Confirm: new posts from Maren Holt by email');
        await mail.getByRole('link', { name: /\/_truefans\/follow\/confirm\?token=/ }).click();
        await page.getByRole('button', { name: 'Yes, send me new posts' }).click();
        await page.getByRole('heading', { level: 1, name: 'You follow Maren Holt' }).waitFor();
      });
      await journey('send-join', member.context, async () => {
        const { page, email, name } = member;
        await page.goto(TRUE_FAN_POST.path);
        await joinFromPost(page, fx, 'True Fan', 'Join for $70 a year');
        await pay(page, { email, name, card: CARDS.ok });
        await expectLandedOnPost(page, fx, 'True Fan', TRUE_FAN_POST);
      });
      await fx.standIn.webhooks.flush();

      // The command `npm start` prints among "Things to try", for this demo's state folder.
      const command = demoSendCommand(fx.stateDir);
      expect(command).toBe(`npm run send -- --new --demo --state ${fx.stateDir} --yes`);
      const sent = await runPrinted(command);
      expect(sent.code, sent.output).toBe(0);
      expect(sent.output).toMatch(/kickapoo-valley-rain-alternate-take: 2 sent, 0 failed/);

      await journey('send-read-follower', follower.context, async () => {
        const mail = await findMail(follower.page, fx, follower.email, TRUE_FAN_POST.title);
        const text = squash(await mail.innerText());
        expect(text).toContain('The rest is for True Fan members.');
        expect(text).toContain('Join to read it on the site');
        expect(text).not.toContain(TRUE_FAN_POST.secret);
        // Its links lead to the running demo, and its unsubscribe link works there.
        const unsubscribe = mail.getByRole('link', { name: /\/_truefans\/unsubscribe\?t=/ }).first();
        expect(await unsubscribe.getAttribute('href')).toMatch(new RegExp(`^${fx.demo.url}/`));
        await unsubscribe.click();
        await follower.page.getByRole('heading', { level: 1, name: 'Stop getting new posts by email?' }).waitFor();
      });
      await journey('send-read-member', member.context, async () => {
        const mail = await findMail(member.page, fx, member.email, TRUE_FAN_POST.title);
        const text = squash(await mail.innerText());
        expect(text).toContain(TRUE_FAN_POST.secret);
        expect(text).not.toContain('The rest is for');
        expect(text).toContain('You are a True Fan of Maren Holt.');
      });
    } finally {
      await follower.context.close();
      await member.context.close();
    }
  }, 180_000);
});
