// In Markdown, everything after a `<!-- members -->` line is members-only. The comment survives into the
// rendered page, so this pure transform wraps the rest of the post body (<truefans-body>) in a
// <truefans-gate>; the sealing pass then encrypts it like any other gated part. Under `npm run dev` it
// shows a visible "previewing as a member" banner at the divider instead of sealing anything.

import { BODY_TAG, DIVIDER, GATE_TAG } from '../core/gate/contract.ts';

// Lower case only, as src/config/post-body.ts requires: check and build refuse any other form first.
const BODY_OPEN = new RegExp(`<${BODY_TAG}[\\s>]`);
const BODY_CLOSE = `</${BODY_TAG}>`;

export const PREVIEW_BANNER =
  '<p class="truefans-preview-banner" role="note"><strong>Previewing as a member.</strong> Everything below this line is members-only: fans without access see the part above and a way to join.</p>';

export function wrapMembersDivider(html: string, options: { preview: boolean }): string {
  // In dev Astro annotates elements (data-astro-source-file), so the open tag may carry attributes.
  const open = html.search(BODY_OPEN);
  if (open < 0) return html;
  const close = html.indexOf(BODY_CLOSE, open);
  if (close < 0) return html;
  const body = html.slice(open, close);
  const match = DIVIDER.exec(body);
  if (!match) return html;
  const cut = open + match.index;
  const tail = html.slice(cut + match[0].length, close);
  return `${html.slice(0, cut)}<${GATE_TAG}>${options.preview ? PREVIEW_BANNER : ''}${tail}</${GATE_TAG}>${html.slice(close)}`;
}
