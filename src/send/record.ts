// Where a send remembers how far it got: on Stripe, beside the fans, so a laptop and a CI runner see the
// same record and a killed run resumes from it. Each post has one inactive Stripe product with a fixed id
// (`tfsend_<digest of the post id>`; Stripe lets a product's id be chosen, and refuses a second with the
// same id, so two runs cannot both create it) whose metadata holds the state. Stripe metadata: at most
// 50 keys, keys up to 40 characters, values up to 500 (docs.stripe.com/api/metadata).
//
// Progress is written ahead: before a batch goes to the provider, `inflight` names the last customer in
// it; when the next batch starts (or the send ends), `done` moves to it. A run killed between the two
// leaves one batch whose fate is unknown: a provider with idempotency keys is simply asked again with the
// same keys; for any other the batch is not sent again and is reported as "uncertain".

import { createHash } from 'node:crypto';
import type Stripe from 'stripe';

export interface SendRecord {
  post: string;
  state: 'sending' | 'sent';
  /** Unix seconds: only customers created by then are recipients, on every resume too. */
  started: number;
  /** The last customer whose batch the provider accepted ('' before the first). */
  done: string;
  /** The last customer of the batch handed to the provider and not yet known accepted. */
  inflight: string;
  sent: number;
  failed: number;
  uncertain: number;
}

export function recordId(post: string): string {
  return `tfsend_${createHash('sha256').update(post).digest('hex').slice(0, 24)}`;
}

function isMissing(error: unknown): boolean {
  return (error as { code?: string; statusCode?: number }).code === 'resource_missing' || (error as { statusCode?: number }).statusCode === 404;
}

function toMetadata(r: SendRecord): Record<string, string> {
  return {
    truefans_send_post: r.post.slice(0, 500),
    truefans_send_state: r.state,
    truefans_send_started: String(r.started),
    truefans_send_done: r.done,
    truefans_send_inflight: r.inflight,
    truefans_send_counts: `sent=${r.sent} failed=${r.failed} uncertain=${r.uncertain}`,
  };
}

function fromMetadata(post: string, m: Stripe.Metadata): SendRecord | undefined {
  if (m.truefans_send_post !== post || (m.truefans_send_state !== 'sending' && m.truefans_send_state !== 'sent')) return undefined;
  const counts = Object.fromEntries((m.truefans_send_counts ?? '').split(' ').map((kv) => kv.split('=') as [string, string]));
  const n = (k: string) => (Number.isSafeInteger(Number(counts[k])) ? Number(counts[k]) : 0);
  return { post, state: m.truefans_send_state, started: Number(m.truefans_send_started) || 0, done: m.truefans_send_done ?? '', inflight: m.truefans_send_inflight ?? '', sent: n('sent'), failed: n('failed'), uncertain: n('uncertain') };
}

export interface RecordStore {
  read(post: string): Promise<SendRecord | undefined>;
  /** The records of many posts: one list call per 100 posts (`ids` filter), none per post. */
  readMany(posts: readonly string[]): Promise<Map<string, SendRecord>>;
  /** Creates the record; false when another run created it first. */
  create(record: SendRecord, title: string): Promise<boolean>;
  write(record: SendRecord): Promise<void>;
}

export function stripeRecords(stripe: Stripe, calls: { other: number }): RecordStore {
  return {
    async read(post) {
      calls.other++;
      try {
        const product = await stripe.products.retrieve(recordId(post));
        return fromMetadata(post, product.metadata);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async readMany(posts) {
      const out = new Map<string, SendRecord>();
      const byId = new Map(posts.map((p) => [recordId(p), p]));
      const ids = [...byId.keys()];
      for (let i = 0; i < ids.length; i += 100) {
        // "Only return products with the given IDs" (ProductListParams.ids); it cannot be paged with
        // starting_after, so each call names at most `limit` (100) ids and gets them all.
        calls.other++;
        const page = await stripe.products.list({ ids: ids.slice(i, i + 100), limit: 100 });
        for (const product of page.data) {
          const post = byId.get(product.id);
          const record = post === undefined ? undefined : fromMetadata(post, product.metadata);
          if (record) out.set(record.post, record);
        }
      }
      return out;
    },
    async create(record, title) {
      calls.other++;
      try {
        await stripe.products.create({ id: recordId(record.post), name: `truefans send record: ${title}`.slice(0, 250), active: false, metadata: toMetadata(record) });
        return true;
      } catch (error) {
        // A second create of a product id is refused with resource_already_exists (see lease.ts).
        if ((error as { code?: string }).code === 'resource_already_exists') return false;
        throw error;
      }
    },
    async write(record) {
      calls.other++;
      await stripe.products.update(recordId(record.post), { metadata: toMetadata(record) });
    },
  };
}
