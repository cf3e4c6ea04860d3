// Resend's and Postmark's batch APIs over fetch (simpler than their clients, and the same retry rule for
// both), and the local outbox of `npm start`. Each checks the answer per message.
//  Resend:   POST /emails/batch, at most 100 emails a call, an `Idempotency-Key` header kept 24 hours
//            (resend.com/docs/dashboard/emails/batch-sending, .../idempotency-keys); default rate limit
//            2 requests a second, 429 with retry-after when over it.
//  Postmark: POST /email/batch, at most 500 messages and 50 MB a call; the answer is 200 with one result
//            per message, `ErrorCode` 0 when accepted (postmarkapp.com/developer/user-guide/send-email-with-api/batch-emails);
//            bulk mail goes to a Broadcast stream (`MessageStream`).

import { paced, type RetryOptions } from './retry.ts';
import type { OutMessage, Outcome, Sender } from './types.ts';

async function failure(provider: string, response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { message?: unknown; Message?: unknown; name?: unknown } | null;
  const said = typeof body?.message === 'string' ? body.message : typeof body?.Message === 'string' ? body.Message : '';
  return `${provider} answered ${response.status}${said ? `: ${said.slice(0, 200)}` : ''}`;
}

export function resendSender(options: { apiKey: string; baseUrl?: string; fetch?: typeof fetch } & RetryOptions): Sender {
  const base = options.baseUrl ?? 'https://api.resend.com';
  const request = paced({ minIntervalMs: 500, ...options });
  const f = options.fetch ?? fetch;
  return {
    name: 'Resend',
    batchSize: 100,
    idempotent: true,
    async send(batch, batchKey) {
      const body = batch.map((m) => ({ from: m.from, to: [m.to], subject: m.subject, html: m.html, text: m.text, headers: m.headers, ...(m.replyTo ? { reply_to: m.replyTo } : {}), tags: [{ name: 'kind', value: 'post' }] }));
      const response = await request(() =>
        f(`${base}/emails/batch`, { method: 'POST', headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json', 'idempotency-key': batchKey.slice(0, 256) }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) }),
      );
      if (!response.ok) {
        const reason = await failure('Resend', response);
        return batch.map(() => ({ ok: false, reason }));
      }
      const answer = (await response.json().catch(() => null)) as { data?: { id?: string }[] } | null;
      if (!Array.isArray(answer?.data) || answer.data.length !== batch.length) return batch.map(() => ({ ok: false, reason: 'Resend answered without an id per email' }));
      return answer.data.map((d) => (typeof d.id === 'string' ? { ok: true } : { ok: false, reason: 'Resend gave no id' }));
    },
  };
}

export function postmarkSender(options: { token: string; stream?: string; baseUrl?: string; fetch?: typeof fetch } & RetryOptions): Sender {
  const base = options.baseUrl ?? 'https://api.postmarkapp.com';
  const request = paced(options);
  const f = options.fetch ?? fetch;
  return {
    name: 'Postmark',
    batchSize: 500,
    idempotent: false,
    async send(batch) {
      const body = batch.map((m) => ({
        From: m.from,
        To: m.to,
        ...(m.replyTo ? { ReplyTo: m.replyTo } : {}),
        Subject: m.subject,
        HtmlBody: m.html,
        TextBody: m.text,
        Headers: Object.entries(m.headers).map(([Name, Value]) => ({ Name, Value })),
        Tag: 'post',
        MessageStream: options.stream ?? 'broadcast',
      }));
      const response = await request(() =>
        f(`${base}/email/batch`, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json', 'x-postmark-server-token': options.token }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) }),
      );
      if (!response.ok) {
        const reason = await failure('Postmark', response);
        return batch.map(() => ({ ok: false, reason }));
      }
      const answer = (await response.json().catch(() => null)) as { ErrorCode?: number; Message?: string }[] | null;
      if (!Array.isArray(answer) || answer.length !== batch.length) return batch.map(() => ({ ok: false, reason: 'Postmark answered without a result per message' }));
      return answer.map((r): Outcome => (r.ErrorCode === 0 ? { ok: true } : { ok: false, reason: `Postmark error ${r.ErrorCode}: ${String(r.Message ?? '').slice(0, 200)}` }));
    },
  };
}

/** The local outbox (src/local/outbox.ts): one POST per message; it keeps one copy per idempotency key. */
export function outboxSender(options: { url: string; fetch?: typeof fetch }): Sender {
  const f = options.fetch ?? fetch;
  const request = paced({ attempts: 3 });
  return {
    name: 'the local outbox',
    batchSize: 100,
    idempotent: true,
    async send(batch: OutMessage[]) {
      const out: Outcome[] = [];
      for (const m of batch) {
        const response = await request(() =>
          f(options.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: m.to, from: m.from, subject: m.subject, text: m.text, html: m.html, kind: 'post', headers: m.headers, idempotencyKey: m.idempotencyKey }) }),
        );
        await response.arrayBuffer().catch(() => undefined);
        out.push(response.ok ? { ok: true } : { ok: false, reason: `the outbox answered ${response.status}` });
      }
      return out;
    },
  };
}
