// The email providers speak each provider's HTTPS API; a refusal never repeats the key.

import { describe, expect, it } from 'vitest';
import { createMailer } from '../../../src/core/email/mailer.ts';
import { welcomeEmail } from '../../../src/core/email/messages.ts';
import type { TruefansError } from '../../../src/core/errors.ts';

const site = { title: 'Mira <Lune>', author: 'Mira', url: 'https://mira.example' };
const message = welcomeEmail(site, 'fan@example.com', 'the Supporter membership', 'Thanks & <3', 'https://mira.example/posts/x/');

function recorder(status = 200) {
  const calls: { url: string; headers: Headers; body: any }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, headers: new Headers(init.headers), body: JSON.parse(init.body as string) });
    return new Response('{"message":"echo of the request"}', { status });
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

describe('mailers', () => {
  it('Resend', async () => {
    const { calls, fetch } = recorder();
    await createMailer({ provider: 'resend', from: 'Mira <hello@mira.example>', apiKey: 're_secret_key_123' }, fetch)!.send(message);
    expect(calls[0]!.url).toBe('https://api.resend.com/emails');
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer re_secret_key_123');
    expect(calls[0]!.body).toMatchObject({ from: 'Mira <hello@mira.example>', to: ['fan@example.com'], subject: 'Welcome to Mira <Lune>', text: message.text, html: message.html });
  });

  it('Postmark', async () => {
    const { calls, fetch } = recorder();
    await createMailer({ provider: 'postmark', from: 'hello@mira.example', token: 'pm-token-123' }, fetch)!.send(message);
    expect(calls[0]!.url).toBe('https://api.postmarkapp.com/email');
    expect(calls[0]!.headers.get('x-postmark-server-token')).toBe('pm-token-123');
    expect(calls[0]!.body).toMatchObject({ From: 'hello@mira.example', To: 'fan@example.com', TextBody: message.text, HtmlBody: message.html, MessageStream: 'outbound' });
  });

  it('the outbox gets the message as JSON, kind included', async () => {
    const { calls, fetch } = recorder(202);
    await createMailer({ provider: 'outbox', from: 'outbox@localhost', url: 'http://127.0.0.1:4322/outbox' }, fetch)!.send(message);
    expect(calls[0]!.body).toMatchObject({ from: 'outbox@localhost', to: 'fan@example.com', kind: 'welcome' });
  });

  it('no provider, no mailer', () => {
    expect(createMailer({ provider: null }, fetch)).toBeUndefined();
  });

  it('a refusal names the provider and the status, never the key', async () => {
    const { fetch } = recorder(401);
    const error = await createMailer({ provider: 'resend', from: 'a@b.example', apiKey: 're_secret_key_123' }, fetch)!.send(message).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'TF_EMAIL_FAILED' });
    expect((error as TruefansError).describe()).toMatchInlineSnapshot(`
      "Resend refused an email (HTTP 401).
      Check the Resend credentials in your host's environment."
    `);
    expect((error as Error).message).not.toContain('re_secret_key_123');
  });

  it('escapes the HTML of messages', () => {
    expect(message.html).toContain('Thanks &amp; &lt;3');
    expect(message.html).toContain('Mira &lt;Lune&gt;');
    expect(message.text).toContain('Thanks & <3');
  });
});
