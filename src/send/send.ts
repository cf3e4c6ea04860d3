// Sends one post to everyone who should get it, never twice and never lost (record.ts): recipients stream
// from Stripe (recipients.ts), each audience's email is rendered once (render.ts), and per recipient only
// the greeting and the signed unsubscribe link are filled in before the batch goes to the provider.

import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import type { Keyring } from '../core/crypto/keys.ts';
import type { PastDuePolicy } from '../core/env.ts';
import { signUnsubscribeToken, unsubscribeUrl } from '../core/tokens/unsubscribe.ts';
import { audienceKey, audiencesOf, type Audience } from './audience.ts';
import type { BuiltPost, BuiltSite } from './post.ts';
import { recordId, type RecordStore, type SendRecord } from './record.ts';
import { claim, type Lease } from './lease.ts';
import { digest, recipients, type Recipient, type StripeCalls } from './recipients.ts';
import { legacyTiersOf } from '../core/holdings.ts';
import { personalize, renderEmail, type RenderedEmail } from './render.ts';
import type { OutMessage, Sender } from './providers/types.ts';

export interface Sending {
  site: BuiltSite;
  keyring: Keyring;
  sender: Sender;
  /** `"Creator Name" <address>`. */
  from: string;
  replyTo?: string;
  /** An address that unsubscribes by mail (List-Unsubscribe's mailto), when the creator has one. */
  unsubscribeMailto?: string;
  now: () => number;
}

export interface Progress {
  sent: number;
  failed: number;
  /** Handled by an earlier run of this send. */
  earlier: number;
  /** In the batch a killed run had handed to a provider without idempotency keys: not sent again. */
  uncertain: number;
  elapsedMs: number;
  /** Recipients in all, when known (a resumed run knows only as it goes): for the estimate. */
  expected?: number;
}

export interface Summary extends Progress {
  post: string;
  state: 'sent' | 'already-sent';
  /** Failure reasons with how many recipients each; never an address. */
  reasons: Record<string, number>;
  calls: StripeCalls;
  /** Addresses whose older customer held a higher tier than the newest one's email gave. */
  lowerTier: number;
}

export function headersFor(unsubscribe: string, mailto: string | undefined): Record<string, string> {
  // RFC 8058: an https URI in List-Unsubscribe and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`;
  // a mailto URI may sit beside it.
  return {
    'List-Unsubscribe': `<${unsubscribe}>${mailto ? `, <mailto:${mailto}?subject=unsubscribe>` : ''}`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/**
 * One recipient's message. `signedAtMs` dates the unsubscribe token: the send's start, so a resumed run
 * builds byte-identical messages and an idempotent provider recognises a batch it already took.
 */
export async function messageFor(s: Sending, email: RenderedEmail, to: { email: string; name?: string | undefined }, post: string, signedAtMs = s.now()): Promise<OutMessage> {
  const origin = new URL(s.site.manifest.site.url).origin;
  const url = unsubscribeUrl(origin, await signUnsubscribeToken(s.keyring, to.email, signedAtMs));
  const { html, text } = personalize(email, to.name, url);
  return {
    to: to.email,
    from: s.from,
    ...(s.replyTo ? { replyTo: s.replyTo } : {}),
    subject: email.subject,
    html,
    text,
    headers: headersFor(url, s.unsubscribeMailto),
    idempotencyKey: `truefans-post/${recordId(post)}/${digest(to.email)}`,
  };
}

/** Every audience's email for a post, rendered once each. */
export async function renderAll(s: Sending, post: BuiltPost): Promise<Map<string, RenderedEmail>> {
  const out = new Map<string, RenderedEmail>();
  for (const a of audiencesOf(s.site.manifest.tiers.map((t) => t.id))) out.set(audienceKey(a), await renderEmail(post, a, s.site.manifest, s.keyring, s.now()));
  return out;
}

export async function sendPost(
  s: Sending,
  post: BuiltPost,
  io: { stripe: Stripe; records: RecordStore; pastDue: PastDuePolicy; calls: StripeCalls; onProgress?: (p: Progress) => void; leaseMs?: number },
): Promise<Summary> {
  if ((await io.records.read(post.post))?.state === 'sent') return { sent: 0, failed: 0, earlier: 0, uncertain: 0, elapsedMs: 0, post: post.post, state: 'already-sent', reasons: {}, calls: io.calls, lowerTier: 0 };
  // Render before anything is claimed or recorded: a post that cannot be rendered is never half sent.
  const emails = await renderAll(s, post);
  // Claim before reading the record: a run that loses the race throws SendBusy and sends nothing.
  const lease = await claim(io.stripe, post.post, { now: s.now, calls: io.calls, ...(io.leaseMs !== undefined ? { leaseMs: io.leaseMs } : {}) });
  try {
    return await sendClaimed(s, post, emails, lease, io);
  } finally {
    // A failed release only leaves the claim to lapse after its lease; the send's own error matters more.
    await lease.release().catch(() => undefined);
  }
}

async function sendClaimed(
  s: Sending,
  post: BuiltPost,
  emails: Map<string, RenderedEmail>,
  lease: Lease,
  io: { stripe: Stripe; records: RecordStore; pastDue: PastDuePolicy; calls: StripeCalls; onProgress?: (p: Progress) => void },
): Promise<Summary> {
  const started = s.now();
  const reasons: Record<string, number> = {};
  const p: Progress = { sent: 0, failed: 0, earlier: 0, uncertain: 0, elapsedMs: 0 };
  let lowerTier = 0;
  const summary = (state: Summary['state']): Summary => ({ ...p, elapsedMs: s.now() - started, post: post.post, state, reasons, calls: io.calls, lowerTier });

  let record = await io.records.read(post.post);
  if (record?.state === 'sent') return summary('already-sent');
  if (!record) {
    const fresh: SendRecord = { post: post.post, state: 'sending', started: Math.floor(s.now() / 1000), done: '', inflight: '', sent: 0, failed: 0, uncertain: 0 };
    record = (await io.records.create(fresh, post.title)) ? fresh : await io.records.read(post.post);
    if (!record) throw new Error(`post "${post.post}": its send record could not be read back from Stripe.`);
    if (record.state === 'sent') return summary('already-sent');
  }
  const rec: SendRecord = record;
  const rankedTiers = s.site.manifest.tiers.map((t) => t.id);

  // Where each customer stands against the record: before `done` (handled), up to `inflight` (unknown), after (new).
  let zone: 'done' | 'inflight' | 'new' = rec.done ? 'done' : rec.inflight ? 'inflight' : 'new';
  let batch: { r: Recipient; m: OutMessage }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const last = batch[batch.length - 1]!.r.customer;
    rec.inflight = last;
    await lease.keep();
    await io.records.write(rec);
    const key = `truefans-post/${createHash('sha256').update(batch.map((b) => b.m.idempotencyKey).join('\n')).digest('hex')}`;
    let outcomes;
    try {
      outcomes = await s.sender.send(batch.map((b) => b.m), key);
    } catch (error) {
      const reason = `${s.sender.name}: ${(error as Error).name}`;
      outcomes = batch.map(() => ({ ok: false as const, reason }));
    }
    for (const o of outcomes) {
      if (o.ok) p.sent++;
      else {
        p.failed++;
        reasons[o.reason] = (reasons[o.reason] ?? 0) + 1;
      }
    }
    rec.done = last;
    rec.inflight = '';
    rec.sent += outcomes.filter((o) => o.ok).length;
    rec.failed += outcomes.filter((o) => !o.ok).length;
    batch = [];
    io.onProgress?.({ ...p, elapsedMs: s.now() - started });
  };

  for await (const { customer, recipient } of recipients(io.stripe, { rankedTiers, pastDue: io.pastDue, createdBefore: rec.started, seen: new Map(), calls: io.calls, onLowerTier: () => lowerTier++, also: legacyTiersOf(s.site.manifest.tiers) })) {
    const here = zone;
    if (recipient) {
      if (here === 'done') p.earlier++;
      else if (here === 'inflight' && !s.sender.idempotent) p.uncertain++;
      else {
        const email = emails.get(audienceKey(recipient.audience as Audience))!;
        batch.push({ r: recipient, m: await messageFor(s, email, recipient, post.post, rec.started * 1000) });
        if (batch.length >= s.sender.batchSize) await flush();
      }
    }
    if (zone === 'done' && customer === rec.done) zone = rec.inflight ? 'inflight' : 'new';
    else if (zone === 'inflight' && customer === rec.inflight) {
      // The unknown batch is asked again alone, so an idempotent provider sees the same request.
      if (s.sender.idempotent) await flush();
      zone = 'new';
    }
  }
  await flush();
  rec.state = 'sent';
  rec.uncertain += p.uncertain;
  await lease.keep();
  await io.records.write(rec);
  return summary('sent');
}
