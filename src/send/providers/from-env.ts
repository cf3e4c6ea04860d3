// The post-email provider from the environment: SEND_PROVIDER (or EMAIL_PROVIDER, the edge's own) is
// resend, postmark, ses, smtp or outbox, with the same keys the edge's mailer uses where they exist.

import { outboxSender, postmarkSender, resendSender } from './http.ts';
import { sesSender } from './ses.ts';
import { smtpSender } from './smtp.ts';
import type { Sender } from './types.ts';

export function senderFromEnv(env: NodeJS.ProcessEnv): Sender {
  const provider = (env.SEND_PROVIDER ?? env.EMAIL_PROVIDER ?? '').trim();
  const need = (name: string, how: string) => {
    const v = env[name]?.trim();
    if (!v) throw new Error(`SEND_PROVIDER is "${provider}" but ${name} is not set. ${how}`);
    return v;
  };
  switch (provider) {
    case 'resend':
      return resendSender({ apiKey: need('RESEND_API_KEY', 'Create an API key at resend.com/api-keys.'), ...(env.RESEND_API_BASE ? { baseUrl: env.RESEND_API_BASE } : {}) });
    case 'postmark':
      return postmarkSender({ token: need('POSTMARK_SERVER_TOKEN', "Copy the server API token from your Postmark server's API Tokens tab."), stream: env.POSTMARK_STREAM?.trim() || 'broadcast', ...(env.POSTMARK_API_BASE ? { baseUrl: env.POSTMARK_API_BASE } : {}) });
    case 'ses':
      return sesSender({ region: need('AWS_REGION', 'Set it to the region of your SES identity, like us-east-1 (credentials come from the usual AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).'), maxPerSecond: Number(env.SES_MAX_SEND_RATE) || 14, ...(env.SES_ENDPOINT ? { endpoint: env.SES_ENDPOINT } : {}) });
    case 'smtp':
      return smtpSender({ url: need('SMTP_URL', 'Set it like smtps://user:password@smtp.example.com:465.'), ...(Number(env.SMTP_MAX_PER_SECOND) > 0 ? { maxPerSecond: Number(env.SMTP_MAX_PER_SECOND) } : {}) });
    case 'outbox':
      return outboxSender({ url: need('TRUEFANS_OUTBOX_URL', '`npm start` prints it; it is the demo outbox (http://127.0.0.1:<port>/_outbox/messages).') });
    default:
      throw new Error(`Set SEND_PROVIDER to resend, postmark, ses, smtp or outbox (got ${provider ? `"${provider}"` : 'nothing'}). See docs/configuration.md, "Sending posts".`);
  }
}
