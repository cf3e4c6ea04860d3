// The member hint: a readable cookie naming the fan's tier (or "-" when signed in without one), so the
// static pages a CDN serves can say "Your membership · True Fan" instead of "Join" with a few hundred
// bytes of inline script (src/lib/member-hint-script.ts). It is set and cleared wherever the session
// cookie is, in one place (the handler), and it grants nothing: the function never reads it.

import type { ManifestHead } from '../manifest.ts';
import { fromBase64Url } from '../crypto/base64url.ts';
import { cookieName, SESSION_COOKIE, setScriptCookie } from './cookies.ts';

export const MEMBER_HINT_COOKIE = 'truefans-member';
/** The value for a signed-in fan who holds no tier (a buyer, a supporter, a lapsed member). */
export const NO_TIER_HINT = '-';

/** The hint for a session token this handler has just signed: the name of the highest tier it holds. */
function hintFor(token: string, manifest: ManifestHead): string {
  try {
    const payload = JSON.parse(new TextDecoder().decode(fromBase64Url(token.split('.')[1] ?? ''))) as { ent?: { tiers?: unknown } };
    const tiers = Array.isArray(payload.ent?.tiers) ? payload.ent.tiers : [];
    const top = manifest.tiers.filter((t) => tiers.includes(t.id)).pop();
    return top ? encodeURIComponent(top.name) : NO_TIER_HINT;
  } catch {
    return NO_TIER_HINT;
  }
}

/** Adds the hint cookie to a response that sets or clears the session cookie. */
export function withMemberHint(response: Response, url: URL, manifest: ManifestHead): Response {
  const name = `${cookieName(SESSION_COOKIE, url)}=`;
  const line = response.headers.getSetCookie().find((c) => c.startsWith(name));
  if (!line) return response;
  const token = line.slice(name.length).split(';')[0] ?? '';
  const maxAge = Number(/;\s*Max-Age=(\d+)/i.exec(line)?.[1] ?? '0');
  const hint = token && maxAge > 0 ? hintFor(token, manifest) : '';
  response.headers.append('set-cookie', setScriptCookie(MEMBER_HINT_COOKIE, hint, url, hint ? maxAge : 0));
  return response;
}
