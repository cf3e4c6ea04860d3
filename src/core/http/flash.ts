// A one-time message carried across a redirect ("Welcome, True Fan", "You're signed in as ..."): an
// HttpOnly cookie that lives a minute and is cleared by the page that shows it. It holds only what the
// fan just did, never a token; a forged one can only show its own browser a wrong sentence, and every
// value is checked here and escaped where it is shown.

import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '../crypto/base64url.ts';
import { clearCookie, readCookie, setCookie } from './cookies.ts';

export const FLASH_COOKIE = 'truefans-flash';
const FLASH_SECONDS = 60;

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
const flashSchema = z.discriminatedUnion('k', [
  /** Joined a tier; `trialEnd` (seconds) when it starts with a trial, then `amount` per `interval`. */
  z.object({ k: z.literal('joined'), tier: id, trialEnd: z.number().int().optional(), amount: z.number().int().optional(), interval: z.enum(['month', 'year']).optional() }),
  z.object({ k: z.literal('changed'), tier: id }),
  z.object({ k: z.literal('signed-in'), email: z.string().max(320) }),
]);

export type Flash = z.infer<typeof flashSchema>;

export function flashCookie(url: URL, flash: Flash): string {
  return setCookie(FLASH_COOKIE, toBase64Url(new TextEncoder().encode(JSON.stringify(flash))), url, FLASH_SECONDS);
}

export function clearFlash(url: URL): string {
  return clearCookie(FLASH_COOKIE, url);
}

export function readFlash(request: Request, url: URL): Flash | undefined {
  const value = readCookie(request, FLASH_COOKIE, url);
  if (!value || value.length > 1024) return undefined;
  try {
    const parsed = flashSchema.safeParse(JSON.parse(new TextDecoder().decode(fromBase64Url(value))));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
