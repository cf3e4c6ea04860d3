// `npm run send`: argument parsing, the environment, the prompt and the progress line around sendPost.
//   npm run send -- <post-id> [--yes]      one post
//   npm run send -- --new [--since DATE]   every published post not yet sent (or half sent), dated since DATE if given
//   npm run send -- <post-id> --preview    one HTML file per audience, paths printed
//   npm run send -- <post-id> --test you@example.com   one email of each audience to you, nothing recorded
//   npm run send -- --new --demo --yes     to the running `npm start` (scripts/send.ts sets its environment)

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type Stripe from 'stripe';
import { createKeyring } from '../core/crypto/keys.ts';
import { isPublished, readBuiltSite, type BuiltPost } from './post.ts';
import { stripeRecords } from './record.ts';
import { LeaseLost, SendBusy } from './lease.ts';
import { messageFor, renderAll, sendPost, type Sending, type Summary } from './send.ts';
import { duration, progressReporter } from './progress.ts';
import type { SendRecord } from './record.ts';
import type { Sender } from './providers/types.ts';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stripe: () => Stripe;
  sender: () => Sender;
  out: (line: string) => void;
  /** Where progress goes: a bar redrawn in place on a terminal (`tty`), else a plain line every 10 s. */
  progress?: { tty: boolean; write: (text: string) => void };
  ask?: (question: string) => Promise<string>;
  now?: () => number;
}

export interface Args {
  posts: string[];
  all: boolean;
  since?: string;
  preview?: string | true;
  test?: string;
  yes: boolean;
  dist: string;
}

export function parseArgs(argv: string[]): Args {
  const a: Args = { posts: [], all: false, yes: false, dist: 'dist' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    const next = () => {
      const n = argv[++i];
      if (n === undefined || n.startsWith('--')) throw new Error(`${v} needs a value.`);
      return n;
    };
    if (v === '--new') a.all = true;
    else if (v === '--since') a.since = next();
    else if (v === '--preview') a.preview = argv[i + 1] && !argv[i + 1]!.startsWith('--') ? next() : true;
    else if (v === '--test') a.test = next();
    else if (v === '--yes' || v === '-y') a.yes = true;
    else if (v === '--dist') a.dist = next();
    else if (v.startsWith('-')) throw new Error(`Unknown option ${v}. Use <post-id>, --new, --since, --preview, --test, --yes, --dist.`);
    else a.posts.push(v);
  }
  if (!a.all && a.posts.length === 0) throw new Error('Name a post (npm run send -- <post-id>) or send every new one (npm run send -- --new).');
  return a;
}

export function describe(s: Summary): string {
  if (s.state === 'already-sent') return `${s.post}: already sent; skipped (nobody gets it twice).`;
  const lines = [`${s.post}: ${s.sent} sent, ${s.failed} failed, ${s.earlier} sent by an earlier run, ${s.uncertain} uncertain, in ${duration(s.elapsedMs)} (${s.calls.list} Stripe list calls).`];
  for (const [reason, n] of Object.entries(s.reasons)) lines.push(`  failed: ${n} × ${reason}`);
  if (s.lowerTier) lines.push(`  ${s.lowerTier} reader(s) have two Stripe customers with one email, and an older one holds a higher tier than the newest: they got the newest one's email. Merge the customers in the Stripe Dashboard.`);
  if (s.uncertain) lines.push(`  uncertain: ${s.uncertain} recipient(s) were in the batch an interrupted run had handed to the provider; they were not sent again (this provider has no idempotency keys).`);
  return lines.join('\n');
}

export async function runSend(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  const now = io.now ?? Date.now;
  const site = readBuiltSite(resolve(args.dist));
  const keyring = await createKeyring(io.env.TRUEFANS_SECRET, io.env.TRUEFANS_PREVIOUS_SECRET);
  if (keyring.kid !== site.manifest.kid && !keyring.kids.includes(site.manifest.kid)) {
    throw new Error(`${args.dist}: the site was built with another TRUEFANS_SECRET (key id ${site.manifest.kid}). Send with the secret it was built with.`);
  }
  if (io.env.SITE_URL?.trim()) {
    // Links in the emails go where the site is served (as the edge's SITE_URL), e.g. the local demo.
    let origin: string;
    try {
      origin = new URL(io.env.SITE_URL.trim()).origin;
    } catch {
      throw new Error(`SITE_URL: expected the site's origin, like https://mira.example (got "${io.env.SITE_URL}").`);
    }
    site.manifest.site.url = origin;
  }
  const byId = new Map(site.posts.map((p) => [p.post, p]));
  for (const id of args.posts) {
    if (!byId.has(id)) throw new Error(`There is no post "${id}" in ${args.dist} (drafts are never built, nor posts dated after the build: rebuild once a scheduled post's date has come). Posts: ${[...byId.keys()].slice(0, 10).join(', ')}.`);
    if (!isPublished(byId.get(id)!, now())) throw new Error(`Post "${id}" is dated in the future (${byId.get(id)!.date}); it is sent once its date has come.`);
  }
  const addr = (io.env.EMAIL_FROM ?? '').match(/<([^>]+)>/)?.[1] ?? io.env.EMAIL_FROM?.trim();
  const sending = (sender: Sender): Sending => ({
    site,
    keyring,
    sender,
    // From: the creator's name with the provider's verified address; Reply-To: the creator.
    from: addr ? `"${site.manifest.site.author.replace(/["\\]/g, '')}" <${addr}>` : `"${site.manifest.site.author.replace(/["\\]/g, '')}" <outbox@localhost>`,
    ...(io.env.CREATOR_EMAIL?.trim() ? { replyTo: io.env.CREATOR_EMAIL.trim() } : {}),
    ...(io.env.LIST_UNSUBSCRIBE_MAILTO?.trim() ? { unsubscribeMailto: io.env.LIST_UNSUBSCRIBE_MAILTO.trim() } : {}),
    now,
  });

  if (args.preview) {
    const dir = resolve(args.preview === true ? '.truefans/preview' : args.preview);
    mkdirSync(dir, { recursive: true });
    for (const id of args.posts) {
      const s = sending({ name: 'preview', batchSize: 1, idempotent: true, send: async () => [] });
      for (const [key, email] of await renderAll(s, byId.get(id)!)) {
        const message = await messageFor(s, email, { email: 'preview@example.invalid', name: 'Reader' }, id);
        const file = join(dir, `${id}.${key.replace(':', '-')}.html`);
        writeFileSync(file, message.html);
        io.out(file);
      }
    }
    return 0;
  }

  const sender = io.sender();
  try {
    if (args.test) {
      const s = sending(sender);
      for (const id of args.posts) {
        const emails = await renderAll(s, byId.get(id)!);
        const batch = [];
        for (const [key, email] of emails) batch.push({ ...(await messageFor(s, email, { email: args.test }, id)), subject: `[test: ${key}] ${email.subject}`, idempotencyKey: `truefans-test/${id}/${key}/${now()}` });
        const outcomes = await sender.send(batch, `truefans-test/${id}/${now()}`);
        io.out(`${id}: ${outcomes.filter((o) => o.ok).length} of ${batch.length} test emails (one per audience) sent to ${args.test} through ${sender.name}.`);
      }
      return 0;
    }
    const stripe = io.stripe();
    const calls = { list: 0, other: 0 };
    const records = stripeRecords(stripe, calls);
    let posts: BuiltPost[];
    const total = { posts: 0, sent: 0, failed: 0, skipped: 0, busy: 0 };
    // Every post's send record in one list call per 100 posts: which are sent, and the audience of the
    // last one sent, the expected number for the progress estimate.
    const published = site.posts.filter((p) => isPublished(p, now()));
    const known = await records.readMany(published.map((p) => p.post));
    if (args.all) {
      const since = args.since ? Date.parse(args.since) : -Infinity;
      if (!Number.isFinite(since) && args.since) throw new Error(`--since ${args.since}: expected a date like 2026-11-01.`);
      // Every published post (drafts are never built; a future date waits) not sent in full.
      posts = [];
      for (const p of published) {
        if (Date.parse(p.date) < since) continue;
        if (known.get(p.post)?.state === 'sent') {
          io.out(`${p.post}: already sent; skipped.`);
          total.skipped++;
        } else posts.push(p);
      }
      posts.reverse(); // oldest first
    } else posts = args.posts.map((id) => byId.get(id)!);
    if (posts.length === 0) {
      io.out('Nothing to send.');
      return 0;
    }
    if (!args.yes) {
      const answer = io.ask ? await io.ask(`Send ${posts.map((p) => `"${p.title}"`).join(', ')} through ${sender.name} to every follower and member? Type "send" to go on: `) : '';
      if (answer.trim() !== 'send') {
        io.out('Not sent. Run with --yes (in CI) or type "send" at the prompt. --preview shows the emails first.');
        return 2;
      }
    }
    let failed = false;
    let busy = false;
    const leaseSeconds = Number(io.env.TRUEFANS_SEND_LEASE_SECONDS);
    const progress = io.progress ? progressReporter({ ...io.progress, expected: lastAudience(known) }) : undefined;
    for (const post of posts) {
      try {
        const summary = await sendPost(sending(sender), post, {
          stripe,
          records,
          pastDue: io.env.TRUEFANS_PAST_DUE === 'revoke' ? 'revoke' : 'keep',
          calls,
          onProgress: (p) => progress?.update(post.post, p),
          ...(leaseSeconds > 0 ? { leaseMs: leaseSeconds * 1000 } : {}),
        });
        progress?.clear();
        io.out(describe(summary));
        failed ||= summary.failed > 0;
        if (summary.state === 'already-sent') total.skipped++;
        else total.posts++;
        total.sent += summary.sent;
        total.failed += summary.failed;
      } catch (error) {
        progress?.clear();
        if (!(error instanceof SendBusy) && !(error instanceof LeaseLost)) throw error;
        io.out(error.message);
        busy = true;
        total.busy++;
      }
    }
    if (args.all || posts.length > 1) {
      io.out(`Done: ${total.posts} post(s) sent (${total.sent} emails, ${total.failed} failed), ${total.skipped} skipped as already sent${total.busy ? `, ${total.busy} being sent by another run (try again later)` : ''}.`);
    }
    return failed ? 1 : busy ? 3 : 0;
  } finally {
    await sender.close?.();
  }
}

/** The recipients of the last post sent in full, by its record: what the next send expects, about. */
export function lastAudience(records: Map<string, SendRecord>): number | undefined {
  let last: SendRecord | undefined;
  for (const r of records.values()) if (r.state === 'sent' && (!last || r.started > last.started)) last = r;
  return last ? last.sent + last.failed + last.uncertain : undefined;
}

export async function prompt(question: string): Promise<string> {
  if (!process.stdin.isTTY) return '';
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
