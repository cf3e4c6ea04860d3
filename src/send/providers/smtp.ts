// SMTP for any other provider, through nodemailer with a pooled connection. One message per SMTP
// transaction; a 4xx reply (the server's "try again later", e.g. SES's "454 Throttling") is retried, a
// 5xx is final for that recipient. SMTP has no idempotency keys.

import nodemailer from 'nodemailer';
import type { OutMessage, Outcome, Sender } from './types.ts';

export function smtpSender(options: { url: string; maxPerSecond?: number; sleep?: (ms: number) => Promise<void> }): Sender {
  const transport = nodemailer.createTransport(options.url, { pool: true, maxConnections: 2, ...(options.maxPerSecond ? { rateLimit: options.maxPerSecond, rateDelta: 1000 } : {}) } as never);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  async function one(m: OutMessage): Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        await transport.sendMail({ from: m.from, to: m.to, ...(m.replyTo ? { replyTo: m.replyTo } : {}), subject: m.subject, html: m.html, text: m.text, headers: m.headers });
        return { ok: true };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        const temporary = code === undefined || (code >= 400 && code < 500);
        if (temporary && attempt < 3) {
          await sleep(500 * 2 ** attempt);
          continue;
        }
        return { ok: false, reason: `SMTP ${code ?? (error as { code?: string }).code ?? 'error'}` };
      }
    }
  }
  return {
    name: 'SMTP',
    batchSize: 20,
    idempotent: false,
    send: (batch) => Promise.all(batch.map(one)),
    async close() {
      transport.close();
    },
  };
}
