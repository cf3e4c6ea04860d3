// Letters to the creator: the route's path, the lengths and daily counts, the cleaning of what a fan types
// (so nothing they write can reach a mail header), and who may write under site.yaml `letters`.

import type { Entitlements } from '../access.ts';
import type { App } from '../context.ts';
import type { CustomerRecord } from '../billing.ts';
import { isFollower } from '../follower-marks.ts';
import type { ManifestHead } from '../manifest.ts';

/** POST: sends a letter (the form at the end of a post and on the account page). */

export const SUBJECT_MAX = 120;
export const BODY_MAX = 4000;
/** A form of BODY_MAX characters, each up to 3 bytes of UTF-8 and 9 when percent-encoded, with room for the rest. */
export const LETTER_FORM_BYTES = BODY_MAX * 9 + 4096;

/** Per fan per day, held in a signed cookie and in each instance's memory (what a fan can reset by clearing cookies is capped again per instance). */
export const LETTERS_PER_DAY = 5;
/** Per fan per day with a store: stricter, and it holds across instances and cleared cookies. */
export const STORE_LETTERS_PER_DAY = 3;

/** Who may write: nobody, members, members and followers, or members of a tier or a higher one. */
export type LetterRule = { kind: 'off' } | { kind: 'members' } | { kind: 'followers' } | { kind: 'tier'; tier: string };

export function letterRule(manifest: ManifestHead): LetterRule {
  const value = manifest.site.letters;
  if (!value || value === 'off') return { kind: 'off' };
  if (value === 'members' || value === 'followers') return { kind: value };
  return { kind: 'tier', tier: value };
}

/** Whether a fan's holdings let them write (a follower, under `followers`, is decided by the caller from Stripe). */
export function holdsEnough(rule: LetterRule, ent: Entitlements, rankedTiers: readonly string[]): boolean {
  if (rule.kind === 'off') return false;
  if (rule.kind === 'members' || rule.kind === 'followers') return ent.tiers.length > 0;
  const needed = rankedTiers.indexOf(rule.tier);
  return needed >= 0 && ent.tiers.some((t) => rankedTiers.indexOf(t) >= needed);
}

/**
 * A subject: one line, no control or line-separator characters (CR and LF would start a new mail header in
 * any provider that writes one), spaces collapsed. Undefined when empty; `tooLong` past SUBJECT_MAX.
 */
export function cleanSubject(value: string | undefined): { text: string | undefined; tooLong: boolean } {
  // eslint-disable-next-line no-control-regex
  const text = (value ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return { text: text || undefined, tooLong: [...text].length > SUBJECT_MAX };
}

/** A letter's body: line breaks kept (as \n), other control characters dropped, trimmed. */
export function cleanBody(value: string | undefined): { text: string; tooLong: boolean } {
  const text = (value ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
    .trim();
  return { text, tooLong: [...text].length > BODY_MAX };
}

/** What the letter was written after: a same-site path, or nothing. */
export const ABOUT_PATH = /^\/[A-Za-z0-9/_.~%-]{0,300}$/;

/** Whether the account page offers the form: the fan may write, and the site can deliver (CREATOR_EMAIL and a provider). */
export function mayWriteLetters(app: App, ent: Entitlements, records: readonly CustomerRecord[]): boolean {
  const rule = letterRule(app.manifest);
  if (!app.config.creatorEmail || !app.mailer) return false;
  return holdsEnough(rule, ent, app.rankedTiers) || (rule.kind === 'followers' && records.some((r) => !r.deleted && isFollower(r.metadata)));
}
