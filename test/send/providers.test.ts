// Each provider against a local server: SMTP against a real SMTP server (smtp-server) whose received
// messages are parsed back (mailparser), Resend and Postmark against stand-ins that check the documented
// request shapes and answer with the documented responses, errors and rate limits.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { smtpSender } from '../../src/send/providers/smtp.ts';
import { postmarkSender, resendSender } from '../../src/send/providers/http.ts';
import { retryAfterMs } from '../../src/send/providers/retry.ts';
import type { OutMessage } from '../../src/send/providers/types.ts';
import { headersFor } from '../../src/send/send.ts';
import { postmarkStandIn, resendStandIn, type ProviderStandIn } from './provider-stand-ins.ts';

const message = (to: string): OutMessage => ({
  to,
  from: '"Ada Sender" <posts@send.example>',
  replyTo: 'ada@send.example',
  subject: 'Tiered blocks',
  html: '<p>Hi, <strong>the post</strong></p>',
  text: 'Hi, the post',
  headers: headersFor('https://send.example/_truefans/unsubscribe?t=abc', 'leave@send.example'),
  idempotencyKey: `truefans-post/x/${to}`,
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
afterAll(async () => undefined);

describe('SMTP (nodemailer) against a real SMTP server', () => {
  it('delivers HTML, text, From, Reply-To and the RFC 8058 headers; a 4xx is retried, a 5xx fails that recipient only', async () => {
    const received: ParsedMail[] = [];
    let tempFailures = 1;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo(address, _session, cb) {
        if (address.address.startsWith('bounce')) return cb(Object.assign(new Error('No such user'), { responseCode: 550 }));
        if (tempFailures > 0) {
          tempFailures--;
          return cb(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        }
        cb();
      },
      onData(stream, _session, cb) {
        simpleParser(stream).then((mail) => {
          received.push(mail);
          cb();
        }, cb);
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.server.address() as { port: number }).port;
    const sender = smtpSender({ url: `smtp://127.0.0.1:${port}`, sleep: async () => undefined });
    closers.push(() => sender.close!());
    const outcomes = await sender.send([message('one@fans.example'), message('bounce@fans.example'), message('two@fans.example')], 'k');
    expect(outcomes[0]).toEqual({ ok: true });
    expect(outcomes[1]).toEqual({ ok: false, reason: 'SMTP 550' });
    expect(outcomes[2]).toEqual({ ok: true });
    expect(received.map((m) => (m.to as { text: string }).text).sort()).toEqual(['one@fans.example', 'two@fans.example']);
    const mail = received[0]!;
    expect(mail.from?.text).toBe('"Ada Sender" <posts@send.example>');
    expect(mail.replyTo?.text).toBe('ada@send.example');
    expect(mail.html).toContain('<strong>the post</strong>');
    expect(mail.text?.trim()).toBe('Hi, the post');
    const raw = (key: string) => mail.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, ' ');
    expect(raw('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(raw('list-unsubscribe')).toBe('List-Unsubscribe: <https://send.example/_truefans/unsubscribe?t=abc>, <mailto:leave@send.example?subject=unsubscribe>');
  });
});

describe('Resend batch API', () => {
  let resend: ProviderStandIn;
  it('posts the documented batch shape, waits out a 429 with retry-after, and sends once per idempotency key', async () => {
    resend = await resendStandIn('re_key');
    closers.push(() => resend.close());
    resend.rateLimitNext(1);
    const slept: number[] = [];
    const sender = resendSender({ apiKey: 're_key', baseUrl: resend.url, minIntervalMs: 0, sleep: async (ms) => void slept.push(ms) });
    const batch = [message('a@fans.example'), message('b@fans.example')];
    expect(await sender.send(batch, 'key-1')).toEqual([{ ok: true }, { ok: true }]);
    expect(slept).toContain(1000);
    expect(resend.accepted.map((m) => m.to)).toEqual(['a@fans.example', 'b@fans.example']);
    expect(resend.accepted[0]!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(resend.accepted[0]!.replyTo).toBe('ada@send.example');
    // The same request again (a resumed run): answered, not sent.
    expect(await sender.send(batch, 'key-1')).toEqual([{ ok: true }, { ok: true }]);
    expect(resend.accepted).toHaveLength(2);
  });

  it('reports a refusal per recipient with the provider\'s reason, never the key', async () => {
    resend = await resendStandIn('re_key');
    closers.push(() => resend.close());
    const sender = resendSender({ apiKey: 're_wrong', baseUrl: resend.url, minIntervalMs: 0 });
    const outcomes = await sender.send([message('a@fans.example')], 'k');
    expect(outcomes).toEqual([{ ok: false, reason: 'Resend answered 401: Missing API key in the authorization header.' }]);
    expect(JSON.stringify(outcomes)).not.toContain('re_wrong');
  });
});

describe('Postmark batch API', () => {
  it('posts to the broadcast stream, reads one result per message, and retries a 429', async () => {
    const postmark = await postmarkStandIn('pm-token', { refuse: (to) => to.startsWith('inactive') });
    closers.push(() => postmark.close());
    postmark.rateLimitNext(2);
    const sender = postmarkSender({ token: 'pm-token', baseUrl: postmark.url, sleep: async () => undefined });
    const outcomes = await sender.send([message('a@fans.example'), message('inactive@fans.example')], 'k');
    expect(outcomes[0]).toEqual({ ok: true });
    expect(outcomes[1]).toEqual({ ok: false, reason: 'Postmark error 406: You tried to send to a recipient that has been marked as inactive.' });
    expect(postmark.accepted.map((m) => m.to)).toEqual(['a@fans.example']);
    expect(postmark.accepted[0]!.headers['List-Unsubscribe']).toContain('https://send.example/_truefans/unsubscribe?t=abc');
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and backs off without one', () => {
    expect(retryAfterMs('2', 0)).toBe(2000);
    expect(retryAfterMs(new Date(Date.now() + 3000).toUTCString(), 0)).toBeGreaterThan(1000);
    expect(retryAfterMs(null, 0)).toBe(500);
    expect(retryAfterMs(null, 2)).toBe(2000);
  });
});

describe('Amazon SES v2 (the official client) against a local endpoint', () => {
  it('sends Raw MIME to POST /v2/email/outbound-emails, signed, and the client retries a throttle', async () => {
    const { createServer } = await import('node:http');
    const bodies: { auth: string; body: { Destination?: { ToAddresses?: string[] }; Content?: { Raw?: { Data?: string } } } }[] = [];
    let throttle = 1;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v2/email/outbound-emails') return res.writeHead(404).end();
        if (throttle-- > 0) {
          // SES v2's documented throttle: 429 TooManyRequestsException.
          return res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' }).end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
        }
        bodies.push({ auth: String(req.headers.authorization), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ MessageId: 'ses-1' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const { sesSender } = await import('../../src/send/providers/ses.ts');
    const sender = sesSender({ region: 'us-east-1', endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxPerSecond: 1000 });
    closers.push(() => sender.close!());
    expect(await sender.send([message('a@fans.example')], 'k')).toEqual([{ ok: true }]);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\//);
    expect(bodies[0]!.body.Destination?.ToAddresses).toEqual(['a@fans.example']);
    const mime = Buffer.from(bodies[0]!.body.Content!.Raw!.Data!, 'base64').toString('utf8');
    expect(mime).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mime).toContain('Reply-To: ada@send.example');
    expect(mime).toMatch(/Content-Type: text\/html/);
  });
});

describe('the local outbox (npm start)', () => {
  it('keeps one copy per idempotency key, with the HTML shown sandboxed on its page', async () => {
    const { createOutbox, OUTBOX_PREFIX } = await import('../../src/local/outbox.ts');
    const { listen } = await import('../../src/adapters/node/listen.ts');
    const { outboxSender } = await import('../../src/send/providers/http.ts');
    const outbox = createOutbox();
    const server = await listen((request) => outbox.handle(request), { port: 0 });
    closers.push(() => server.close());
    const sender = outboxSender({ url: `${server.url}${OUTBOX_PREFIX}/messages` });
    const batch = [message('a@fans.example'), message('b@fans.example')];
    expect(await sender.send(batch, 'k')).toEqual([{ ok: true }, { ok: true }]);
    expect(await sender.send(batch, 'k')).toEqual([{ ok: true }, { ok: true }]);
    expect(outbox.messages.map((m) => [m.to, m.kind])).toEqual([['a@fans.example', 'post'], ['b@fans.example', 'post']]);
    const page = await (await fetch(`${server.url}${OUTBOX_PREFIX}/`)).text();
    expect(page).toContain('<iframe sandbox');
    expect(page).not.toContain('<strong>the post</strong>');
  });
});
