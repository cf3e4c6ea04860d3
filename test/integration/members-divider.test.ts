import { describe, expect, it } from 'vitest';
import { PREVIEW_BANNER, wrapMembersDivider } from '../../src/integration/members-divider.ts';

const page = (body: string, open = '<truefans-body>') => `<main><article>${open}${body}</truefans-body><aside>join</aside></article></main>`;

describe('the Markdown members divider', () => {
  it('wraps everything after the divider, up to the end of the post body, in a gate', () => {
    expect(wrapMembersDivider(page('<p>Teaser.</p>\n<!-- members -->\n<p>Secret.</p>'), { preview: false })).toBe(
      page('<p>Teaser.</p>\n<truefans-gate>\n<p>Secret.</p></truefans-gate>'),
    );
  });
  it('finds the body when dev annotates its open tag, and shows a preview banner there', () => {
    const open = '<truefans-body data-astro-source-file="/x/[id].astro">';
    expect(wrapMembersDivider(page('<p>A</p><!--members--><p>B</p>', open), { preview: true })).toBe(
      page(`<p>A</p><truefans-gate>${PREVIEW_BANNER}<p>B</p></truefans-gate>`, open),
    );
  });
  it('leaves pages without a divider, or a divider outside the body, alone', () => {
    const outside = '<!-- members --><main><truefans-body><p>A</p></truefans-body></main>';
    expect(wrapMembersDivider(outside, { preview: false })).toBe(outside);
    expect(wrapMembersDivider(page('<p>A</p>'), { preview: false })).toBe(page('<p>A</p>'));
  });
});
