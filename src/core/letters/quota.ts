// How many letters a fan has sent today, without a store: a count signed into a cookie (HMAC under its own
// key, bound to the fan's email and the UTC day), and, because a fan who clears cookies resets that, the
// same count kept in this instance's memory (bounded). With a store, a stricter count per fan per day holds
// across instances. Keys hold a hash of the email, never the address.

import type { App, Ctx } from '../context.ts';
import { toBase64Url } from '../crypto/base64url.ts';
import { readCookie, setCookie } from '../http/cookies.ts';
import { Memo } from '../memo.ts';
import { mailboxAllows } from '../rate-limit.ts';
import { LETTERS_PER_DAY, STORE_LETTERS_PER_DAY } from './rules.ts';

export const LETTERS_COOKIE = 'truefans-letters';
const DAY_SECONDS = 86_400;
/** Memory per instance for the counts: about 200 bytes an entry, so some 5,000 fans a day. */
const MEMORY_BYTES = 1024 * 1024;

const counts = new WeakMap<App, Memo<{ day: string; count: number }>>();

export const utcDay = (nowMs: number) => new Date(nowMs).toISOString().slice(0, 10);

async function fanKey(email: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(email))).slice(0, 18));
}

async function mac(app: App, day: string, count: number, fan: string): Promise<string> {
  const key = await app.keyring.hmacKey('letters');
  const bytes = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${day}.${count}.${fan}`)));
  return toBase64Url(bytes.slice(0, 16));
}

/** Today's count from the cookie: 0 when absent, another day's, another fan's, or not signed by us. */
async function cookieCount(ctx: Ctx, day: string, fan: string): Promise<number> {
  const value = readCookie(ctx.request, LETTERS_COOKIE, ctx.url) ?? '';
  const match = /^(\d{4}-\d{2}-\d{2})\.(\d{1,3})\.([A-Za-z0-9_-]{22})$/.exec(value);
  if (!match || match[1] !== day) return 0;
  const count = Number(match[2]);
  return (await mac(ctx.app, day, count, fan)) === match[3] ? count : 0;
}

function memory(app: App): Memo<{ day: string; count: number }> {
  let memo = counts.get(app);
  if (!memo) counts.set(app, (memo = new Memo(MEMORY_BYTES)));
  return memo;
}

export interface Quota {
  /** Whether one more letter may go today. */
  allowed: boolean;
  /** Counts the letter that went; returns the cookie to set. */
  spend(): Promise<string>;
}

export async function letterQuota(ctx: Ctx, email: string): Promise<Quota> {
  const { app } = ctx;
  const day = utcDay(app.now());
  const fan = await fanKey(email);
  const held = memory(app).get(fan);
  const inMemory = held?.day === day ? held.count : 0;
  const count = Math.max(inMemory, await cookieCount(ctx, day, fan));
  let allowed = count < LETTERS_PER_DAY;
  // The store's count is taken last, and only for a letter the other counts allow, so a refused one costs nothing.
  if (allowed && app.store) allowed = await mailboxAllows(ctx, `letters:${day}`, email, STORE_LETTERS_PER_DAY, DAY_SECONDS);
  return {
    allowed,
    async spend() {
      const next = count + 1;
      memory(app).set(fan, { day, count: next }, 64);
      const secondsLeft = DAY_SECONDS - Math.floor((app.now() / 1000) % DAY_SECONDS);
      return setCookie(LETTERS_COOKIE, `${day}.${next}.${await mac(app, day, next, fan)}`, ctx.url, secondsLeft);
    },
  };
}
