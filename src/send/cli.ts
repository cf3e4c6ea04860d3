// `npm run send`: argument parsing, the environment, the prompt and the progress line around sendPost.
//   npm run send -- <post-id> [--yes]      one post
//   npm run send -- --new [--since DATE]   every published post not yet sent, dated since DATE (default: 14 days ago)
//   npm run send -- <post-id> --preview    one HTML file per audience, paths printed
//   npm run send -- <post-id> --test you@example.com   one email of each audience to you, nothing recorded

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type Stripe from 'stripe';
import { createKeyring } from '../core/crypto/keys.ts';
import { isPublished, readBuiltSite, type BuiltPost } from './post.ts';
import { stripeRecords } from './record.ts';
import { messageFor, renderAll, sendPost, type Progress, type Sending, type Summary } from './send.ts';
import type { Sender } from './providers/types.ts';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stripe: () => Stripe;
  sender: () => Sender;
  out: (line: string) => void;
  /** A progress line that replaces the last one (a TTY), or nothing. */
  status?: (line: string) => void;
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

const fmt = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`);

function progressLine(post: string, p: Progress, expected: number | undefined): string {
  const done = p.sent + p.failed;
  const rate = p.elapsedMs > 0 ? (done / p.elapsedMs) * 1000 : 0;
  const left = expected !== undefined && rate > 0 ? Math.max(0, expected - done - p.earlier - p.uncertain) / rate : undefined;
  const width = 24;
  const share = expected ? Math.min(1, (done + p.earlier + p.uncertain) / expected) : 0;
  const bar = expected ? `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ` : '';
  return `${post}: ${bar}${p.sent} sent, ${p.failed} failed${p.earlier ? `, ${p.earlier} done before` : ''} · ${rate.toFixed(0)}/s${left !== undefined ? ` · about ${fmt(left * 1000)} left` : ''}`;
}

export function describe(s: Summary): string {
  if (s.state === 'already-sent') return `${s.post}: already sent; skipped (nobody gets it twice).`;
  const lines = [`${s.post}: ${s.sent} sent, ${s.failed} failed, ${s.earlier} sent by an earlier run, ${s.uncertain} uncertain, in ${fmt(s.elapsedMs)} (${s.calls.list} Stripe list calls).`];
  for (const [reason, n] of Object.entries(s.reasons)) lines.push(`  failed: ${n} × ${reason}`);
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
    if (args.all) {
      const since = args.since ? Date.parse(args.since) : now() - 14 * 86_400_000;
      if (!Number.isFinite(since)) throw new Error(`--since ${args.since}: expected a date like 2026-11-01.`);
      posts = [];
      for (const p of site.posts) {
        if (!isPublished(p, now()) || Date.parse(p.date) < since) continue;
        if ((await records.read(p.post))?.state === 'sent') io.out(`${p.post}: already sent; skipped.`);
        else posts.push(p);
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
    for (const post of posts) {
      const summary = await sendPost(sending(sender), post, { stripe, records, pastDue: io.env.TRUEFANS_PAST_DUE === 'revoke' ? 'revoke' : 'keep', calls, onProgress: (p) => io.status?.(progressLine(post.post, p, undefined)) });
      io.status?.('');
      io.out(describe(summary));
      failed ||= summary.failed > 0;
    }
    return failed ? 1 : 0;
  } finally {
    await sender.close?.();
  }
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
