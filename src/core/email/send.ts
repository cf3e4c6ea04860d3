// Sending one email from a webhook handler: a provider's failure is logged, never thrown, because an email
// that fails must not make Stripe resend the event (and everyone else's emails with it).

import type { App } from '../context.ts';
import type { EmailMessage } from '../ports.ts';

/** Sends an email; true if the provider took it, false (logged) if not or if email is not set up. */
export async function send(app: App, message: EmailMessage): Promise<boolean> {
  if (!app.mailer) return false;
  try {
    await app.mailer.send(message);
    return true;
  } catch (error) {
    app.log(`truefans: the "${message.kind}" email was not sent: ${(error as Error).message.split('\n')[0]}`);
    return false;
  }
}
