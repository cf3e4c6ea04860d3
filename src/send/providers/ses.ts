// Amazon SES v2 through the official client (it signs with SigV4 and retries throttling and 5xx on its own,
// in its standard retry mode). SES takes one message per SendEmail; sending is paced to the account's
// maximum send rate (SES_MAX_SEND_RATE, default 14 a second; the account's rate is in the SES console).
// The message goes as Raw MIME (built by nodemailer) so the List-Unsubscribe headers travel as written.

import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { OutMessage, Outcome, Sender } from './types.ts';

export function sesSender(options: { region: string; maxPerSecond?: number; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } }): Sender {
  const client = new SESv2Client({ region: options.region, maxAttempts: 5, ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.credentials ? { credentials: options.credentials } : {}) });
  const gap = 1000 / (options.maxPerSecond ?? 14);
  let next = 0;
  async function one(m: OutMessage): Promise<Outcome> {
    const wait = next - Date.now();
    next = Math.max(Date.now(), next) + gap;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const raw = await new MailComposer({ from: m.from, to: m.to, ...(m.replyTo ? { replyTo: m.replyTo } : {}), subject: m.subject, html: m.html, text: m.text, headers: m.headers }).compile().build();
    try {
      await client.send(new SendEmailCommand({ Destination: { ToAddresses: [m.to] }, Content: { Raw: { Data: raw } } }));
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `SES ${(error as { name?: string }).name ?? 'error'}` };
    }
  }
  return {
    name: 'Amazon SES',
    batchSize: 50,
    idempotent: false,
    async send(batch) {
      const out: Outcome[] = [];
      for (const m of batch) out.push(await one(m));
      return out;
    },
    async close() {
      client.destroy();
    },
  };
}
