import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutbox } from '../../src/local/outbox.ts';
import { launchBrowser } from '../e2e/browser.ts';

const post = (body: unknown, type = 'application/json') =>
  new Request('http://localhost:4321/_outbox/messages', { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });

describe('the local outbox', () => {
  it('keeps messages and shows them with clickable links, escaped', async () => {
    const outbox = createOutbox();
    const res = await outbox.handle(post({ to: 'fan@example.com', subject: 'Sign in <now>', text: 'Open http://localhost:4321/_truefans/signin/confirm?token=abc to sign in.', kind: 'sign-in' }));
    expect(res.status).toBe(204);
    const html = await (await outbox.handle(new Request('http://localhost:4321/_outbox/'))).text();
    expect(html).toContain('Sign in &lt;now&gt;');
    expect(html).toContain('<a href="http://localhost:4321/_truefans/signin/confirm?token=abc">');
    const json = (await (await outbox.handle(new Request('http://localhost:4321/_outbox/messages.json'))).json()) as { kind: string }[];
    expect(json.map((m) => m.kind)).toEqual(['sign-in']);
  });

  it('refuses bodies that are not JSON email messages', async () => {
    const outbox = createOutbox();
    expect((await outbox.handle(post({ to: 'x' }))).status).toBe(400);
    expect((await outbox.handle(post({ to: 'a', subject: 'b', text: 'c' }, 'text/plain'))).status).toBe(415);
    expect(outbox.messages).toHaveLength(0);
  });

  it('persists across restarts when given a state file, and clears', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.json');
    await createOutbox({ stateFile }).handle(post({ to: 'a@b.c', subject: 's', text: 't', kind: 'welcome' }));
    const again = createOutbox({ stateFile });
    expect(again.messages.map((m) => m.subject)).toEqual(['s']);
    const cleared = await again.handle(new Request('http://localhost:4321/_outbox/clear', { method: 'POST' }));
    expect(cleared.status).toBe(303);
    expect(createOutbox({ stateFile }).messages).toHaveLength(0);
  });
});

describe('the outbox page in a browser', () => {
  it('wraps a long sign-in link on a 375px phone instead of scrolling sideways', async () => {
    const outbox = createOutbox();
    const token = 'eyJhbGciOiJIUzI1NiJ9.'.padEnd(400, 'x');
    await outbox.handle(post({ to: 'a-very-long-address-for-a-fan@an-even-longer-domain.example', subject: 'Sign in', text: `Open http://localhost:4321/_truefans/signin/confirm?token=${token} to sign in.`, kind: 'sign-in' }));
    const html = await (await outbox.handle(new Request('http://localhost:4321/_outbox/'))).text();
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
      await page.setContent(html);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      // The whole link is still there, and still one link.
      expect(await page.locator('a[href*="token="]').getAttribute('href')).toContain(token);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
