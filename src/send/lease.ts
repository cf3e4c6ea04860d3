// One run at a time per post, on Stripe, so two laptops (or a laptop and CI) never both email a post.
// Stripe has no compare-and-swap on metadata, but creating a product with a chosen id is atomic: "You can
// optionally override this ID, but the ID must be unique across all products in your Stripe account"
// (ProductCreateParams.id, stripe package types), and a second create is refused with the error code
// `resource_already_exists` (in the package's error codes). So a run claims a post by creating the lock
// product `tfsend_<digest>_lock_<n>`; the next free n is found by reading lock 1, 2, ... until one is
// missing. The holder writes a heartbeat into its lock while it sends; a lock whose heartbeat is older than
// the holder's lease (it was killed, or lost its network) is taken over by creating lock n+1, which only one
// racer can do. The holder renews every quarter of its lease, checking first that no lock n+1 exists, and
// stops sending when it could not renew within three quarters of it, so it never sends a batch after a
// takeover could have happened (assuming a batch takes less than
// half of the lease and the machines'
// clocks agree within a few seconds, as NTP keeps them).

import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import { recordId } from './record.ts';

/** Three minutes: a killed run holds the post that long; a live one renews every 45 s. */
export const DEFAULT_LEASE_MS = 180_000;

const HOLDER = 'truefans_lock_holder';
const SINCE = 'truefans_lock_since';
const BEAT = 'truefans_lock_heartbeat';
const TTL = 'truefans_lock_lease_seconds';
const RELEASED = 'truefans_lock_released';

/** Another run holds the post; nothing was sent by this one. */
export class SendBusy extends Error {
  override name = 'SendBusy';
  readonly post: string;
  readonly sinceMs: number;
  readonly retryAtMs: number;
  constructor(post: string, sinceMs: number, retryAtMs: number) {
    super(`post "${post}" is being sent by another run since ${iso(sinceMs)}; try again after ${iso(retryAtMs)} (if that run was stopped, its claim lapses then).`);
    this.post = post;
    this.sinceMs = sinceMs;
    this.retryAtMs = retryAtMs;
  }
}

/** This run's claim was taken over (it stalled longer than its lease); it stopped before sending more. */
export class LeaseLost extends Error {
  override name = 'LeaseLost';
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface Lease {
  readonly lockId: string;
  /** Before each batch: renews the heartbeat when due; throws LeaseLost when the claim may be gone. */
  keep(): Promise<void>;
  /** After the send (done or failed): the next run may claim the post at once. */
  release(): Promise<void>;
}

export const lockId = (post: string, n: number) => `${recordId(post)}_lock_${n}`;

function isMissing(error: unknown): boolean {
  return (error as { code?: string }).code === 'resource_missing' || (error as { statusCode?: number }).statusCode === 404;
}

function isTaken(error: unknown): boolean {
  return (error as { code?: string }).code === 'resource_already_exists';
}

async function read(stripe: Stripe, id: string, calls: { other: number }): Promise<Stripe.Product | undefined> {
  calls.other++;
  try {
    return await stripe.products.retrieve(id);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The newest lock of a post and its number (0 and undefined before the first claim). */
async function newest(stripe: Stripe, post: string, calls: { other: number }): Promise<{ n: number; lock: Stripe.Product | undefined }> {
  let n = 0;
  let lock: Stripe.Product | undefined;
  for (;;) {
    const next = await read(stripe, lockId(post, n + 1), calls);
    if (!next) return { n, lock };
    n++;
    lock = next;
  }
}

function busyUnlessStale(post: string, lock: Stripe.Product | undefined, nowMs: number): void {
  if (!lock || lock.metadata[RELEASED]) return;
  const beat = Number(lock.metadata[BEAT]) * 1000;
  const ttl = (Number(lock.metadata[TTL]) || DEFAULT_LEASE_MS / 1000) * 1000;
  if (Number.isFinite(beat) && nowMs - beat < ttl) throw new SendBusy(post, Number(lock.metadata[SINCE]) * 1000 || beat, beat + ttl);
}

/** Claims the post for this run, or throws SendBusy naming since when and until when another run holds it. */
export async function claim(stripe: Stripe, post: string, options: { now: () => number; leaseMs?: number; calls: { other: number } }): Promise<Lease> {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const { calls, now } = options;
  const current = await newest(stripe, post, calls);
  busyUnlessStale(post, current.lock, now());
  const n = current.n + 1;
  const id = lockId(post, n);
  const at = now();
  const sec = (ms: number) => String(Math.floor(ms / 1000));
  calls.other++;
  try {
    await stripe.products.create({
      id,
      name: `truefans send lock ${n}: ${post}`.slice(0, 250),
      active: false,
      metadata: { [HOLDER]: randomBytes(8).toString('hex'), [SINCE]: sec(at), [BEAT]: sec(at), [TTL]: String(Math.ceil(leaseMs / 1000)) },
    });
  } catch (error) {
    if (!isTaken(error)) throw error;
    // Another run created lock n between our read and our create: it holds the post now.
    const winner = await read(stripe, id, calls);
    throw new SendBusy(post, Number(winner?.metadata[SINCE]) * 1000 || at, (Number(winner?.metadata[BEAT]) * 1000 || at) + leaseMs);
  }
  let confirmed = at;
  let lost = false;
  return {
    lockId: id,
    async keep() {
      if (lost) throw new LeaseLost(`post "${post}": another run took over the send; this run stopped.`);
      const t = now();
      if (t - confirmed < leaseMs / 4) return;
      if (t - confirmed >= (leaseMs * 3) / 4) {
        // Too long since the last renewal (a sleeping laptop, a stalled network): another run may
        // already have taken over, so this run does not send another batch.
        lost = true;
        throw new LeaseLost(`post "${post}": this run could not renew its claim for ${Math.round((t - confirmed) / 1000)}s and stopped, so that no one gets the post twice. Run the send again.`);
      }
      if (await read(stripe, lockId(post, n + 1), calls)) {
        lost = true;
        throw new LeaseLost(`post "${post}": another run took over the send; this run stopped.`);
      }
      calls.other++;
      await stripe.products.update(id, { metadata: { [BEAT]: sec(t) } });
      confirmed = t;
    },
    async release() {
      if (lost) return;
      calls.other++;
      await stripe.products.update(id, { metadata: { [RELEASED]: sec(now()) } });
    },
  };
}
