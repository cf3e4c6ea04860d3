// Opens the sealed parts of a gated page (or feed item) for a fan. All or nothing: if any part the fan
// may read fails to open, the caller gets a failure and serves the page as built, never a mix of opened
// and failed parts.

import { canAccess, type Entitlements } from '../access.ts';
import type { Keyring } from '../crypto/keys.ts';
import { openText } from '../crypto/seal.ts';
import { findMarkers, MarkupError, type Marker } from '../html/markers.ts';
import { envelopeOf, GATE_TAG, LOCKED_TAG, POST_ATTR, TIER_ATTR } from './contract.ts';
import type { Memo } from '../memo.ts';

export interface GateReader {
  keyring: Keyring;
  ent: Entitlements;
  rankedTiers: readonly string[];
  /** Parts already opened in this isolate, keyed by post, tier and the exact envelope. */
  opened?: Memo<string>;
}

export type Opened = { ok: true; html: string; opened: number; locked: number } | { ok: false; error: unknown; post: string | undefined; tier: string | undefined };

interface Splice {
  start: number;
  end: number;
  text: string;
}

/**
 * Replaces each readable `<truefans-gate>` with its plaintext and removes the `<truefans-locked>` paywalls
 * of readable tiers. With `dropUnreadable`, gates the fan may not read are removed too (feeds, where a
 * ciphertext is of no use to a reader).
 */
export async function openGates(html: string, reader: GateReader, options: { dropUnreadable?: boolean } = {}): Promise<Opened> {
  let gates: Marker[];
  let locks: Marker[];
  try {
    gates = findMarkers(html, GATE_TAG);
    locks = html.includes(`<${LOCKED_TAG}`) ? findMarkers(html, LOCKED_TAG) : [];
  } catch (error) {
    return { ok: false, error, post: undefined, tier: undefined };
  }
  const may = (tier: string | undefined) => tier !== undefined && canAccess(tier, reader.ent, reader.rankedTiers);
  const splices: Promise<Splice>[] = [];
  let locked = 0;
  for (const gate of gates) {
    const { [TIER_ATTR]: tier, [POST_ATTR]: post } = gate.attrs;
    if (may(tier) && post !== undefined) {
      splices.push(
        (async () => {
          try {
            const envelope = envelopeOf(gate.inner);
            if (!envelope) throw new MarkupError(`a <${GATE_TAG}> without its sealed template`);
            // The envelope's head (version, key id, random IV) and tail (the GCM tag, which authenticates
            // the whole ciphertext) identify it without hashing the whole string on every request.
            const key = `${post}\u0000${tier}\u0000${envelope.length}\u0000${envelope.slice(0, 40)}\u0000${envelope.slice(-24)}`;
            let text = reader.opened?.get(key);
            if (text === undefined) {
              text = await openText(reader.keyring, { kind: 'content', post, tier: tier! }, envelope);
              reader.opened?.set(key, text, key.length + text.length);
            }
            return { start: gate.start, end: gate.end, text };
          } catch (error) {
            throw Object.assign(new Error('gate'), { cause: error, post, tier });
          }
        })(),
      );
    } else {
      locked++;
      if (options.dropUnreadable) splices.push(Promise.resolve({ start: gate.start, end: gate.end, text: '' }));
    }
  }
  for (const lock of locks) {
    if (may(lock.attrs[TIER_ATTR])) splices.push(Promise.resolve({ start: lock.start, end: lock.end, text: '' }));
  }
  let done: Splice[];
  try {
    done = await Promise.all(splices);
  } catch (error) {
    const e = error as { cause?: unknown; post?: string; tier?: string };
    return { ok: false, error: e.cause ?? error, post: e.post, tier: e.tier };
  }
  done.sort((a, b) => a.start - b.start);
  const out: string[] = [];
  let at = 0;
  for (const s of done) {
    if (s.start < at) continue; // a paywall inside an opened gate went with it
    out.push(html.slice(at, s.start), s.text);
    at = s.end;
  }
  out.push(html.slice(at));
  return { ok: true, html: out.join(''), opened: gates.length - locked, locked };
}
