import { describe, expect, it } from 'vitest';
import { firstGateIndex, hasRenderedGate, membersOnlyTiers } from '../../src/lib/post-gates.ts';

describe('membersOnlyTiers', () => {
  it('reads every block, with or without a tier, in any quoting', () => {
    const body = [
      'Intro.',
      '<MembersOnly>',
      'a',
      '</MembersOnly>',
      '<MembersOnly tier="patron">',
      'b',
      '</MembersOnly>',
      "<MembersOnly tier='true-fan'>c</MembersOnly>",
      '<MembersOnly tier={"listener"}>d</MembersOnly>',
    ].join('\n');
    expect(membersOnlyTiers(body)).toEqual([undefined, 'patron', 'true-fan', 'listener']);
  });

  it('ignores blocks shown as code', () => {
    const body = ['How to gate a part:', '', '```mdx', '<MembersOnly tier="patron">', '```', '', 'Or inline: `<MembersOnly>`.'].join('\n');
    expect(membersOnlyTiers(body)).toEqual([]);
  });

  it('does not mistake a longer name for the component', () => {
    expect(membersOnlyTiers('<MembersOnlyNote tier="patron" />')).toEqual([]);
  });
});

describe('rendered gates', () => {
  it('finds a divider comment or a gate element, and where it starts', () => {
    const html = '<p>Public.</p>\n<!-- members -->\n<p>Private.</p>';
    expect(hasRenderedGate(html)).toBe(true);
    expect(html.slice(0, firstGateIndex(html))).toBe('<p>Public.</p>\n');
    expect(hasRenderedGate('<p>a</p><truefans-gate data-tier="patron"><p>b</p></truefans-gate>')).toBe(true);
  });

  it('does not take an escaped divider in a code block for one', () => {
    const html = '<pre><code>&#x3C;!-- members --></code></pre>';
    expect(hasRenderedGate(html)).toBe(false);
    expect(firstGateIndex(html)).toBe(-1);
  });
});
