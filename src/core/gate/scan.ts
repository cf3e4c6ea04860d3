// A small scanner for the two elements our build writes into gated HTML:
//   <truefans-gate data-tier="T" data-post="P"><template data-truefans-envelope>tf1...</template></truefans-gate>
//   <truefans-locked data-tier="T">...paywall...</truefans-locked>
// The build writes them with exactly these double-quoted attributes and never nests them, so indexOf is
// enough; anything that does not match that shape is reported as malformed rather than guessed at.

import { unescapeAttribute } from '../http/html.ts';

export interface Element {
  start: number;
  end: number;
  attrs: Record<string, string>;
  inner: string;
}

export class MalformedGate extends Error {}

function attributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of tag.matchAll(/\s([a-z-]+)="([^"]*)"/g)) attrs[m[1]!] = unescapeAttribute(m[2]!);
  return attrs;
}

/** Every `<name ...>...</name>` in `html`, in order. Throws MalformedGate on an unclosed element. */
export function scanElements(html: string, name: string): Element[] {
  const open = `<${name}`;
  const close = `</${name}>`;
  const found: Element[] = [];
  let at = html.indexOf(open);
  while (at >= 0) {
    const next = html.charCodeAt(at + open.length);
    // `<truefans-gate` must be followed by whitespace or `>`, so `<truefans-gateway` is not ours.
    if (next !== 32 && next !== 62 && next !== 10 && next !== 9 && next !== 13) {
      at = html.indexOf(open, at + open.length);
      continue;
    }
    const tagEnd = html.indexOf('>', at);
    const closeAt = tagEnd < 0 ? -1 : html.indexOf(close, tagEnd);
    if (closeAt < 0) throw new MalformedGate(`an unclosed <${name}>`);
    found.push({ start: at, end: closeAt + close.length, attrs: attributes(html.slice(at + open.length, tagEnd)), inner: html.slice(tagEnd + 1, closeAt) });
    at = html.indexOf(open, closeAt + close.length);
  }
  return found;
}

const ENVELOPE_OPEN = '<template data-truefans-envelope>';

export function envelopeOf(gate: Element): string {
  const start = gate.inner.indexOf(ENVELOPE_OPEN);
  const end = gate.inner.indexOf('</template>', start);
  if (start < 0 || end < 0) throw new MalformedGate('a <truefans-gate> without its sealed template');
  return gate.inner.slice(start + ENVELOPE_OPEN.length, end).trim();
}
