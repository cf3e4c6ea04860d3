// The followers import and export against the stand-in: each service's export recognised by its own
// header names, a dry run that writes nothing, an apply that is idempotent, and an export whose cells a
// spreadsheet cannot run.

import { describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { freshForEachTest, makeTier, pay, T0 } from '../tools/stripe-local/helpers.ts';
import { describeImport, importFollowers } from '../../src/followers/import.ts';
import { exportFollowers } from '../../src/followers/export.ts';
import { parseCsv } from '../../src/followers/csv.ts';

let stripe: Stripe;
freshForEachTest((world) => ({ stripe } = world));

const csv = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n');
const run = (text: string, apply: boolean) => importFollowers(stripe, text, { apply, nowMs: T0, file: 'list.csv' });
const allCustomers = async () => (await stripe.customers.list({ limit: 100 })).data;

/** Each service's header row (as its export writes it) and rows for three readers, one not an address. */
const EXPORTS: Record<string, { header: string[]; row: (email: string, name: string) => string[] }> = {
  substack: {
    header: ['email', 'active_subscription', 'expiry', 'plan', 'email_disabled', 'created_at', 'first_payment_at'],
    row: (email) => [email, 'true', '', 'other', 'false', '2025-01-02T03:04:05.000Z', ''],
  },
  ghost: {
    header: ['id', 'email', 'name', 'note', 'subscribed_to_emails', 'complimentary_plan', 'stripe_customer_id', 'created_at', 'deleted_at', 'labels', 'tiers'],
    row: (email, name) => ['6123abc', email, name, '', 'true', 'false', '', '2025-01-02T03:04:05.000Z', '', 'imported', ''],
  },
  patreon: {
    header: ['Name', 'Email', 'Discord', 'Patron Status', 'Follows You', 'Lifetime Amount', 'Pledge Amount', 'Charge Frequency', 'Tier', 'Addressee', 'Street', 'City', 'State', 'Zip', 'Country', 'Phone', 'Patronage Since Date', 'Last Charge Date', 'Last Charge Status', 'Additional Details', 'User ID', 'Last Updated'],
    row: (email, name) => [name, email, '', 'Active patron', 'Yes', '25.00', '5.00', 'monthly', 'Listener', '', '', '', '', '', '', '', '2024-05-01', '2025-01-01', 'Paid', '', '123', '2025-01-02'],
  },
  mailchimp: {
    header: ['Email Address', 'First Name', 'Last Name', 'Address', 'Phone Number', 'MEMBER_RATING', 'OPTIN_TIME', 'OPTIN_IP', 'CONFIRM_TIME', 'CONFIRM_IP', 'LATITUDE', 'LONGITUDE', 'GMTOFF', 'DSTOFF', 'TIMEZONE', 'CC', 'REGION', 'LAST_CHANGED', 'LEID', 'EUID', 'NOTES', 'TAGS'],
    row: (email, name) => [email, name.split(' ')[0]!, name.split(' ')[1] ?? '', '', '', '2', '2024-01-01 10:00:00', '', '2024-01-01 10:01:00', '', '', '', '', '', '', '', '', '2024-01-01 10:01:00', '1', 'abc', '', ''],
  },
};

describe('followers import', () => {
  for (const [source, format] of Object.entries(EXPORTS)) {
    it(`finds the email column of a ${source} export`, async () => {
      const text = csv([format.header, format.row('Ada@Example.com', 'Ada Lovelace'), format.row('not-an-email', 'X'), format.row('grace@example.com', 'Grace Hopper')]);
      const counts = await run(text, true);
      expect(counts).toMatchObject({ source, new: 2, existing: 0, invalid: 1, invalidLines: [3], duplicate: 0 });
      const made = await allCustomers();
      expect(made.map((c) => c.email).sort()).toEqual(['ada@example.com', 'grace@example.com']);
      expect(made[0]!.metadata).toMatchObject({ truefans_follower: 'yes', truefans_imported: source, truefans_followed_at: String(T0 / 1000) });
    });
  }

  it('falls back to the first column of addresses when no header names one, with or without a header', async () => {
    expect(await run('Full name,Contact\nAda,ada@example.com\nGrace,grace@example.com\n', false)).toMatchObject({ source: 'csv', new: 2, invalid: 0 });
    expect(await run('ada@example.com\ngrace@example.com\n', false)).toMatchObject({ new: 2, invalid: 0 });
    await expect(run('name,city\nAda,London\n', false)).rejects.toThrow('list.csv: no column holds email addresses. Expected a header named Email or Email Address');
  });

  it('a dry run writes nothing; --apply is idempotent and marks an existing customer instead of making one', async () => {
    const member = await stripe.customers.create({ email: 'Member@Example.com', name: 'Mem Ber', metadata: { truefans_post_emails: 'off' } });
    const text = csv([['email', 'name'], ['member@example.com', 'M'], ['new@example.com', 'N'], ['NEW@example.com', 'N again'], ['', '']]);
    const dry = await run(text, false);
    expect(dry).toMatchObject({ new: 1, existing: 1, invalid: 1, duplicate: 1 });
    expect(describeImport(dry, false)).toContain('This was a dry run: nothing was written.');
    expect((await allCustomers()).map((c) => c.id)).toEqual([member.id]);

    expect(await run(text, true)).toMatchObject({ new: 1, existing: 1 });
    const after = await allCustomers();
    expect(after).toHaveLength(2);
    const marked = after.find((c) => c.id === member.id)!;
    // Marked as following, but an import never turns post emails back on for someone who turned them off.
    expect(marked.metadata).toMatchObject({ truefans_follower: 'yes', truefans_post_emails: 'off', truefans_imported: 'csv' });

    const before = JSON.stringify(after);
    expect(await run(text, true)).toMatchObject({ new: 0, existing: 2 });
    expect(JSON.stringify(await allCustomers())).toBe(before);
  });

  it('skips rows the source says get no email (Substack email_disabled, Ghost subscribed_to_emails false)', async () => {
    const substack = EXPORTS.substack!;
    const off = substack.row('off@example.com', '');
    off[4] = 'true';
    expect(await run(csv([substack.header, substack.row('on@example.com', ''), off]), true)).toMatchObject({ new: 1, optedOut: 1 });
    const ghost = EXPORTS.ghost!;
    const unsubscribed = ghost.row('unsub@example.com', 'U');
    unsubscribed[4] = 'false';
    expect(await run(csv([ghost.header, unsubscribed]), true)).toMatchObject({ new: 0, optedOut: 1 });
    expect((await allCustomers()).map((c) => c.email)).toEqual(['on@example.com']);
  });
});

describe('followers export', () => {
  it('writes one row per address, followers and members only, with formula-like cells defused', async () => {
    await run(csv([['email', 'name'], ['b@example.com', 'B'], ['=cmd|calc@example.com', 'x']]), true);
    await stripe.customers.create({ email: 'a@example.com', name: '=HYPERLINK("http://evil.example","click")', metadata: { truefans_follower: 'yes', truefans_followed_at: '1767225600', truefans_post_emails: 'off' } });
    await stripe.customers.create({ email: 'nobody@example.com', name: 'Not following' });
    // A member who never followed: members get post emails by default, so they are in the list.
    const tier = await makeTier(stripe);
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: tier.month.id, quantity: 1 }], success_url: 'https://mira.example/done', cancel_url: 'https://mira.example/' });
    expect((await pay(session, { email: 'member@example.com', name: 'Mem Ber' })).status).toBe(303);
    const { csv: out, rows } = await exportFollowers(stripe);
    expect(rows).toBe(4);
    expect(out.split('\r\n')).toEqual([
      'email,name,followed_at,member,post_emails',
      // An address may itself start like a formula: it is defused too.
      `"'=cmd|calc@example.com",,${new Date(T0).toISOString()},no,on`,
      `a@example.com,"'=HYPERLINK(""http://evil.example"",""click"")",2026-01-01T00:00:00.000Z,no,off`,
      `b@example.com,,${new Date(T0).toISOString()},no,on`,
      'member@example.com,Mem Ber,,yes,on',
      '',
    ]);
    // Read back as CSV, the formula cell is text that starts with an apostrophe.
    expect(parseCsv(out)[2]![1]).toBe(`'=HYPERLINK("http://evil.example","click")`);
  });
});
