// The exact wording for mistakes in a post's body: every near-miss of the members divider or of
// <MembersOnly>, wrong MembersOnly tiers, missing images. Errors could publish members-only text (or
// break the build); warnings are for mistakes inside a part that is members-only anyway.

import { describe, expect, it } from 'vitest';
import { checkBody } from '../../src/config/post-body.ts';

const TIERS = ['listener', 'patron'];

function check(body: string, options: { access?: string; mdx?: boolean; kind?: 'post' | 'page'; files?: string[] } = {}) {
  const mdx = options.mdx ?? false;
  const file = `content/posts/hello.${mdx ? 'mdx' : 'md'}`;
  const access = options.access ?? 'public';
  const source = `---\ntitle: Hello\ndate: 2026-11-01\naccess: ${access}\n---\n${body}`;
  const files = new Set(options.files ?? []);
  return checkBody({ file, source, kind: options.kind ?? 'post', mdx, access, tierIds: TIERS, fileExists: (p) => files.has(p) });
}
const errors = (body: string, options?: Parameters<typeof check>[1]) => check(body, options).errors.join('\n');
const warnings = (body: string, options?: Parameters<typeof check>[1]) => check(body, options).warnings.join('\n');

describe('the Markdown divider', () => {
  it('accepts the exact divider, and finds it', () => {
    expect(check('Teaser.\n\n<!-- members -->\n\nSecret.\n')).toEqual({ errors: [], warnings: [], inline: true });
    expect(check('Teaser.\n\n<!--members-->\n\nSecret.\n').inline).toBe(true);
    expect(check('No divider here. <!-- a note to self -->\n').inline).toBe(false);
  });
  it('refuses "member"', () => {
    expect(errors('Teaser.\n\n<!-- member -->\n\nSecret.\n')).toMatchInlineSnapshot(`"content/posts/hello.md:8: "<!-- member -->" is not the members divider, so everything after it would be public. Write the divider exactly as <!-- members --> on a line of its own"`);
  });
  it('refuses "members-only"', () => {
    expect(errors('Teaser.\n\n<!-- members-only -->\n\nSecret.\n')).toMatchInlineSnapshot(`"content/posts/hello.md:8: "<!-- members-only -->" is not the members divider, so everything after it would be public. Write the divider exactly as <!-- members --> on a line of its own"`);
  });
  it('refuses three dashes', () => {
    expect(errors('Teaser.\n\n<!--- members -->\n\nSecret.\n')).toMatchInlineSnapshot(`"content/posts/hello.md:8: "<!--- members -->" is not the members divider, so everything after it would be public. Write the divider exactly as <!-- members --> on a line of its own"`);
  });
  it('refuses a capital letter', () => {
    expect(errors('Teaser.\n\n<!-- Members -->\n\nSecret.\n')).toMatchInlineSnapshot(`"content/posts/hello.md:8: "<!-- Members -->" is not the members divider, so everything after it would be public. Write the divider exactly as <!-- members --> on a line of its own"`);
  });
  it('refuses a misspelling', () => {
    expect(errors('Teaser.\n\n<!-- memebers -->\n\nSecret.\n')).toMatchInlineSnapshot(`"content/posts/hello.md:8: "<!-- memebers -->" is not the members divider, so everything after it would be public. Write the divider exactly as <!-- members --> on a line of its own"`);
  });
  it('refuses a divider inside a code fence', () => {
    expect(errors('Teaser.\n\n```\n<!-- members -->\n```\n\nSecret.\n')).toMatchInlineSnapshot(`"content/posts/hello.md:9: "<!-- members -->" is inside a code block (the fence opened on line 8), where it is shown as text and gates nothing, so everything after it would be public. Write the divider exactly as <!-- members --> on a line of its own"`);
  });
  it('refuses an indented divider', () => {
    expect(errors('Teaser.\n\n    <!-- members -->\n\nSecret.\n')).toMatchInlineSnapshot(`"content/posts/hello.md:8: the members divider is indented by four or more spaces, so Markdown shows it as code (or nests it in a list) and it gates nothing, so everything after it would be public. Write the divider exactly as <!-- members --> on a line of its own"`);
  });
  it('refuses a divider that shares its line', () => {
    expect(errors('Teaser. <!-- members --> Secret.\n')).toMatchInlineSnapshot(`"content/posts/hello.md:6: the members divider shares its line with other text; it gates only on a line of its own, so everything after it would be public. Write the divider exactly as <!-- members --> on a line of its own"`);
  });
  it('leaves other comments, and the divider shown as inline code, alone', () => {
    expect(check('Teaser. <!-- more --> <!-- numbers --> <!-- remember the milk -->\n\nWrite `<!-- members -->` on its own line.\n')).toEqual({ errors: [], warnings: [], inline: false });
  });
  it('is a warning, not an error, in a post that is members-only throughout', () => {
    expect(check('Intro.\n\n<!-- member -->\n\nSecret.\n', { access: 'members' }).errors).toEqual([]);
    expect(warnings('Intro.\n\n<!-- member -->\n\nSecret.\n', { access: 'patron' })).toMatchInlineSnapshot(`"content/posts/hello.md:8: "<!-- member -->" is not the members divider; nothing is published, as the whole post is members-only (access: patron). Write the divider exactly as <!-- members --> on a line of its own, or remove this line"`);
  });
  it('is a warning below a real divider, and an error above it', () => {
    const found = check('Teaser.\n\n<!-- Members -->\n\nMore.\n\n<!-- members -->\n\nSecret.\n\n<!-- member -->\n');
    expect(found.errors).toMatchInlineSnapshot(`
      [
        "content/posts/hello.md:8: "<!-- Members -->" is not the members divider, so everything after it would be public. Write the divider exactly as <!-- members --> on a line of its own",
      ]
    `);
    expect(found.warnings).toMatchInlineSnapshot(`
      [
        "content/posts/hello.md:16: "<!-- member -->" is not the members divider; nothing is published, as it is below the divider on line 12. Write the divider exactly as <!-- members --> on a line of its own, or remove this line",
      ]
    `);
  });
  it('refuses a divider on a page, which has no members-only parts', () => {
    expect(errors('About me.\n\n<!-- members -->\n\nPrivate.\n', { kind: 'page' }).replace('posts/hello', 'pages/about')).toMatchInlineSnapshot(`"content/pages/about.md:8: pages cannot have members-only parts, so the text after "<!-- members -->" would be public; move that text to a post in content/posts/ with a <!-- members --> divider"`);
  });
});

describe('MDX members-only blocks', () => {
  const mdx = { mdx: true };
  it('accepts <MembersOnly> with and without a tier', () => {
    expect(check('Intro.\n\n<MembersOnly>\nA\n</MembersOnly>\n\n<MembersOnly tier="patron">B</MembersOnly>\n', mdx)).toEqual({ errors: [], warnings: [], inline: true });
  });
  it('refuses <MemberOnly>, which would stop the build', () => {
    expect(errors('Intro.\n\n<MemberOnly>\nSecret.\n</MemberOnly>\n', mdx)).toMatchInlineSnapshot(`"content/posts/hello.mdx:8: <MemberOnly> is not the members-only block, and the build would stop on it. Write <MembersOnly>…</MembersOnly> (or <MembersOnly tier="patron">…</MembersOnly>)"`);
  });
  it('refuses <membersonly>, which would publish its text', () => {
    expect(errors('Intro.\n\n<membersonly>\nSecret.\n</membersonly>\n', mdx)).toMatchInlineSnapshot(`"content/posts/hello.mdx:8: <membersonly> is not the members-only block, so the text in it would be public. Write <MembersOnly>…</MembersOnly> (or <MembersOnly tier="patron">…</MembersOnly>)"`);
  });
  it('warns about <membersonly> in a post that is members-only throughout', () => {
    expect(check('Intro.\n\n<membersonly>Secret.</membersonly>\n', { ...mdx, access: 'members' }).errors).toEqual([]);
    expect(warnings('Intro.\n\n<membersonly>Secret.</membersonly>\n', { ...mdx, access: 'members' })).toMatchInlineSnapshot(`"content/posts/hello.mdx:8: <membersonly> is not the members-only block; nothing is published, as the whole post is members-only (access: members). Write <MembersOnly>…</MembersOnly> (or <MembersOnly tier="patron">…</MembersOnly>), or remove the tag"`);
  });
  it('refuses the Markdown divider and other HTML comments, which MDX cannot read', () => {
    expect(errors('Intro.\n\n<!-- members -->\n\n<!-- todo -->\n', mdx)).toMatchInlineSnapshot(`
      "content/posts/hello.mdx:8: "<!-- members -->" is the Markdown divider, which MDX cannot read (the build would stop on it). In MDX write <MembersOnly>…</MembersOnly> (or <MembersOnly tier="patron">…</MembersOnly>)
      content/posts/hello.mdx:10: MDX cannot read HTML comments like "<!-- todo -->" (the build would stop on it); write {/* … */} instead"
    `);
  });
  it('refuses a tier the site does not have, on the line of the block', () => {
    expect(errors('Intro.\n\n<MembersOnly\n  tier="gold">\nSecret.\n</MembersOnly>\n', mdx)).toMatchInlineSnapshot(`"content/posts/hello.mdx:8: MembersOnly tier: expected one of members, listener, patron, got "gold""`);
  });
  it('ignores blocks shown as code', () => {
    expect(check('```mdx\n<MemberOnly tier="gold">\n<!-- members -->\n```\n\nInline: `<membersonly>`.\n', mdx)).toEqual({ errors: [], warnings: [], inline: false });
  });
});

describe('images', () => {
  it('refuses a missing image before, after or inside a members-only part', () => {
    expect(errors('![Barn](./barn.jpg)\n\n<!-- members -->\n\n![Van](images/van.jpg "The van")\n\n![Map][map]\n\n[map]: <map%20one.png>\n', { files: ['./barn.jpg'] })).toMatchInlineSnapshot(`
      "content/posts/hello.md:10: image "images/van.jpg": no such file beside the post; check the name, or put the image in the post's folder
      content/posts/hello.md:12: image "map%20one.png": no such file beside the post; check the name, or put the image in the post's folder"
    `);
    expect(errors('<MembersOnly>\n![Van](./van.jpg)\n</MembersOnly>\n', { mdx: true })).toMatchInlineSnapshot(`"content/posts/hello.mdx:7: image "./van.jpg": no such file beside the post; check the name, or put the image in the post's folder"`);
  });
  it('accepts images that exist, remote and site-absolute images, and images shown as code', () => {
    expect(errors('![a](./a.png) ![b](map%20one.png) ![c](https://x.example/c.png) ![d](/d.png)\n\n```\n![e](e.png)\n```\n', { files: ['./a.png', 'map one.png'] })).toBe('');
  });
});
