// Which column of an export holds the email (and the name), for the lists a creator brings: Substack,
// Ghost, Patreon and Mailchimp exports by their own header names, else the first column whose values look
// like email addresses. The header names are the ones each service writes:
//   Substack  email, active_subscription, expiry, plan, email_disabled, created_at, first_payment_at
//   Ghost     id, email, name, note, subscribed_to_emails, complimentary_plan, stripe_customer_id, created_at, deleted_at, labels, tiers
//   Patreon   Name, Email, Discord, Patron Status, Follows You, Lifetime Amount, Pledge Amount, ... (the Relationship manager's CSV)
//   Mailchimp Email Address, First Name, Last Name, Address, Phone Number, ..., MEMBER_RATING, OPTIN_TIME, ... (an audience export)
// Rows the source itself marks as not getting email (Substack `email_disabled` true, Ghost
// `subscribed_to_emails` false) are skipped: they did not ask for it there.

import { EMAIL_ADDRESS } from '../core/email/address.ts';

export type Source = 'substack' | 'ghost' | 'patreon' | 'mailchimp' | 'csv';

export interface Columns {
  source: Source;
  /** Whether the first row is a header (false: every row is data). */
  header: boolean;
  email: number;
  name: (row: readonly string[]) => string;
  /** The source says this row gets no email. */
  optedOut: (row: readonly string[]) => boolean;
}

const norm = (h: string) => h.trim().toLowerCase();

function sourceOf(header: readonly string[]): Source {
  const h = new Set(header.map(norm));
  if (h.has('email address') && (h.has('member_rating') || h.has('optin_time') || h.has('first name'))) return 'mailchimp';
  if (h.has('email') && h.has('patron status')) return 'patreon';
  if (h.has('email') && h.has('subscribed_to_emails')) return 'ghost';
  if (h.has('email') && h.has('email_disabled')) return 'substack';
  return 'csv';
}

const looksLikeEmail = (value: string | undefined) => value !== undefined && EMAIL_ADDRESS.test(value.trim().toLowerCase());

/** Finds the columns, or says why it cannot (a message that names what was looked for). */
export function detectColumns(rows: readonly string[][]): Columns | { error: string } {
  const first = rows[0];
  if (!first) return { error: 'the file is empty.' };
  const at = (name: string) => first.findIndex((h) => norm(h) === name);
  const source = sourceOf(first);
  let email = ['email', 'email address', 'e-mail', 'e-mail address', 'mail'].map(at).find((i) => i >= 0) ?? -1;
  let header = true;
  if (email < 0) {
    // No known header: the first column whose values look like addresses (the first row may be data).
    const sample = rows.slice(0, 50);
    email = first.findIndex((_, i) => sample.filter((r) => looksLikeEmail(r[i])).length >= Math.max(1, Math.ceil((sample.length - 1) / 2)));
    if (email < 0) return { error: 'no column holds email addresses. Expected a header named Email or Email Address (Substack, Ghost, Patreon and Mailchimp exports have one), or a column of addresses.' };
    header = !looksLikeEmail(first[email]);
  }
  const name = at('name');
  const firstName = at('first name');
  const lastName = at('last name');
  const disabled = at('email_disabled');
  const subscribed = at('subscribed_to_emails');
  return {
    source,
    header,
    email,
    name: (row) => (name >= 0 ? (row[name] ?? '') : [firstName >= 0 ? row[firstName] : '', lastName >= 0 ? row[lastName] : ''].filter(Boolean).join(' ')).trim(),
    optedOut: (row) => (disabled >= 0 && norm(row[disabled] ?? '') === 'true') || (subscribed >= 0 && norm(row[subscribed] ?? '') === 'false'),
  };
}
