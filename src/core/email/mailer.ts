// Email providers behind the Mailer port, chosen by EMAIL_PROVIDER: Resend and Postmark over HTTPS, and the
// local outbox (a POST of the message as JSON) for development, the demo and tests. A provider's refusal
// becomes TF_EMAIL_FAILED naming the provider and the status, never the key.

import type { EdgeConfig } from '../env.ts';
import { Errors, TruefansError } from '../errors.ts';
import type { EmailMessage, Mailer } from '../ports.ts';

async function post(fetchImpl: typeof fetch, provider: string, url: string, headers: Record<string, string>, body: unknown): Promise<void> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new TruefansError(Errors.EmailFailed, { provider, error: (error as Error).name });
  }
  // Drain the body so the connection is released; its text may echo the message, so it is not logged.
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) {
    throw new TruefansError(Errors.EmailFailed, { provider, httpStatus: response.status });
  }
}

/** The mailer EMAIL_PROVIDER asks for, or undefined when email is not set up. */
export function createMailer(email: EdgeConfig['email'], fetchImpl: typeof fetch): Mailer | undefined {
  switch (email.provider) {
    case 'resend':
      return {
        send: (m: EmailMessage) =>
          post(fetchImpl, 'Resend', 'https://api.resend.com/emails', { authorization: `Bearer ${email.apiKey}`, ...(m.idempotencyKey ? { 'idempotency-key': m.idempotencyKey } : {}) }, {
            from: email.from,
            to: [m.to],
            subject: m.subject,
            text: m.text,
            ...(m.html ? { html: m.html } : {}),
            // Resend's send-email API takes `reply_to` (a string or a list).
            ...(m.replyTo ? { reply_to: m.replyTo } : {}),
            tags: [{ name: 'kind', value: m.kind }],
          }),
      };
    case 'postmark':
      return {
        send: (m: EmailMessage) =>
          post(fetchImpl, 'Postmark', 'https://api.postmarkapp.com/email', { 'x-postmark-server-token': email.token }, {
            From: email.from,
            To: m.to,
            Subject: m.subject,
            TextBody: m.text,
            ...(m.html ? { HtmlBody: m.html } : {}),
            ...(m.replyTo ? { ReplyTo: m.replyTo } : {}),
            Tag: m.kind,
            MessageStream: 'outbound',
          }),
      };
    case 'outbox':
      return {
        send: ({ idempotencyKey: _key, ...m }: EmailMessage) => post(fetchImpl, 'The local outbox', email.url, {}, { from: email.from, ...m }),
      };
    default:
      return undefined;
  }
}
