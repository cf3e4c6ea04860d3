// Reads the body of a post or page for mistakes the frontmatter schema cannot see: anything that looks
// like a members divider but is not exactly one, a misspelled <MembersOnly>, a MembersOnly tier the site
// does not have, an image that does not exist. Pure (the file system is asked through a callback), so
// `npm run check` and the build, which both call it through loadContent, print the very same messages.

import { DIVIDER_EXACT, DIVIDER_FORM, gateValues as gateValuesOf, MEMBERS_ONLY_TAG, membersOnlyTier } from '../core/gate/contract.ts';
import { editDistance } from './format-issues.ts';

// Any HTML comment (or near-comment: `<!--- x -->`, `<! -- x ->`) on one line; its text is judged below.
const COMMENTISH = /<!\s*-+\s*([^<>]*?)\s*-*>/g;
const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})/;
const TAG = /<(\/?)([A-Za-z][\w.-]*)([^<>]*)>?/g;
const INLINE_IMAGE = /!\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[^)]*)?\)/g;
const REF_IMAGE = /!\[([^\]\n]*)\](?:\[([^\]\n]*)\])?/g;
const REF_DEFINITION = /^ {0,3}\[([^\]\n]+)\]:\s*<?(\S+?)>?(?:\s|$)/gm;
const MDX_IMPORT = /^import\s[^\n]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/gm;

export interface BodyFindings {
  /** Mistakes that stop `npm run check` and the build: each could publish members-only text or break the build. */
  errors: string[];
  /** Mistakes that publish nothing (the text around them is members-only anyway) but are still wrong. */
  warnings: string[];
  /** A real divider (Markdown) or MembersOnly block (MDX) was found: only part of the post is gated. */
  inline: boolean;
}

export interface BodyInput {
  /** The file as shown in messages, e.g. content/posts/hello.md. */
  file: string;
  /** The whole file, frontmatter included (line numbers count from its first line). */
  source: string;
  kind: 'post' | 'page';
  mdx: boolean;
  /** The post's frontmatter access (`public` for pages). */
  access: string;
  tierIds: readonly string[];
  /** Is there a file at this path, relative to the post's folder? */
  fileExists: (relativePath: string) => boolean;
}

/** Is this comment text (or tag name) a near-miss of "members"/"membersonly"? Letters only, any case. */
function looksLikeMembers(text: string): boolean {
  const word = text.toLowerCase().replace(/[^a-z]/g, '');
  if (!word.startsWith('m')) return false;
  return /^members?(only)?$/.test(word) || editDistance(word, 'members') <= 2 || editDistance(word, 'membersonly') <= 2;
}

interface Line {
  /** 1-based line number in the whole file. */
  number: number;
  text: string;
  /** The line number of the fence this line sits inside, if any (the fence lines included). */
  fence: number | undefined;
}

function splitLines(source: string): { lines: Line[]; bodyStart: number } {
  const all = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  let bodyStart = 0;
  if (/^---[ \t]*$/.test(all[0] ?? '')) {
    const end = all.findIndex((l, i) => i > 0 && /^---[ \t]*$/.test(l));
    if (end > 0) bodyStart = end + 1;
  }
  const lines: Line[] = [];
  let fence: { char: string; length: number; line: number } | undefined;
  for (let i = bodyStart; i < all.length; i++) {
    const text = all[i]!;
    if (fence) {
      lines.push({ number: i + 1, text, fence: fence.line });
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(text);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = undefined;
      continue;
    }
    const open = FENCE_OPEN.exec(text);
    if (open) {
      fence = { char: open[2]![0]!, length: open[2]!.length, line: i + 1 };
      lines.push({ number: i + 1, text, fence: fence.line });
      continue;
    }
    lines.push({ number: i + 1, text, fence: undefined });
  }
  return { lines, bodyStart };
}

/** Width of a line's indentation, tabs to the next multiple of four, as CommonMark counts it. */
function indentOf(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (ch === ' ') width += 1;
    else if (ch === '\t') width += 4 - (width % 4);
    else break;
  }
  return width;
}

/** The line without inline code spans (kept the same length, so positions still hold). */
const withoutInlineCode = (text: string) => text.replace(/`[^`\n]*`/g, (m) => ' '.repeat(m.length));

function isLocalPath(src: string): boolean {
  return !/^(?:[a-z][a-z0-9+.-]*:|\/|#)/i.test(src);
}

function imagePath(src: string): string {
  const path = src.replace(/[?#].*$/, '');
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

export function checkBody(input: BodyInput): BodyFindings {
  const { lines } = splitLines(input.source);
  const errors: string[] = [];
  const warnings: string[] = [];
  const { file } = input;
  const prose = lines.filter((l) => l.fence === undefined);

  // --- Images: Astro resolves every local Markdown image while building and fails on a missing one.
  const proseText = prose.map((l) => ({ ...l, text: withoutInlineCode(l.text) }));
  const definitions = new Map<string, { src: string; line: number }>();
  for (const l of proseText) {
    for (const m of l.text.matchAll(REF_DEFINITION)) definitions.set(m[1]!.trim().toLowerCase(), { src: m[2]!, line: l.number });
  }
  const images: { src: string; line: number }[] = [];
  for (const l of proseText) {
    for (const m of l.text.matchAll(INLINE_IMAGE)) images.push({ src: m[1]!, line: l.number });
    for (const m of l.text.replace(INLINE_IMAGE, (s) => ' '.repeat(s.length)).matchAll(REF_IMAGE)) {
      const def = definitions.get((m[2] || m[1]!).trim().toLowerCase());
      if (def) images.push({ src: def.src, line: l.number });
    }
    if (input.mdx) for (const m of l.text.matchAll(MDX_IMPORT)) if (/\.(png|jpe?g|gif|webp|avif|svg|tiff?)$/i.test(m[1]!)) images.push({ src: m[1]!, line: l.number });
  }
  for (const image of images) {
    if (!isLocalPath(image.src)) continue;
    const path = imagePath(image.src);
    if (!input.fileExists(path)) {
      errors.push(`${file}:${image.line}: image "${image.src}": no such file beside the ${input.kind}; check the name, or put the image in the ${input.kind}'s folder`);
    }
  }

  if (input.kind === 'page') {
    // A page has no members-only parts; a divider on one would publish what follows it.
    for (const l of proseText) {
      for (const m of l.text.matchAll(COMMENTISH)) {
        if (looksLikeMembers(m[1]!)) {
          errors.push(`${file}:${l.number}: pages cannot have members-only parts, so the text after "${m[0]}" would be public; move that text to a post in content/posts/ with a ${DIVIDER_FORM} divider`);
        }
      }
      for (const m of l.text.matchAll(TAG)) {
        if (!m[1] && looksLikeMembers(m[2]!)) {
          errors.push(`${file}:${l.number}: pages cannot have members-only parts, so the text in <${m[2]}> would be public; move it to a post in content/posts/`);
        }
      }
    }
    return { errors, warnings, inline: false };
  }

  return input.mdx ? checkMdx(input, proseText, errors, warnings) : checkMarkdown(input, lines, errors, warnings);
}

function checkMarkdown(input: BodyInput, lines: Line[], errors: string[], warnings: string[]): BodyFindings {
  const { file } = input;
  interface Finding {
    line: number;
    what: string;
  }
  let divider: number | undefined;
  const findings: Finding[] = [];
  for (const l of lines) {
    const text = l.fence === undefined ? withoutInlineCode(l.text) : l.text;
    for (const m of text.matchAll(COMMENTISH)) {
      if (!looksLikeMembers(m[1]!)) continue;
      const found = m[0];
      const exact = DIVIDER_EXACT.test(found);
      if (l.fence !== undefined) {
        findings.push({ line: l.number, what: `"${found}" is inside a code block (the fence opened on line ${l.fence}), where it is shown as text and gates nothing` });
      } else if (!exact) {
        findings.push({ line: l.number, what: `"${found}" is not the members divider` });
      } else if (indentOf(l.text) >= 4) {
        findings.push({ line: l.number, what: `the members divider is indented by four or more spaces, so Markdown shows it as code (or nests it in a list) and it gates nothing` });
      } else if (l.text.trim() !== found) {
        findings.push({ line: l.number, what: `the members divider shares its line with other text; it gates only on a line of its own` });
      } else {
        divider ??= l.number;
      }
    }
  }
  for (const f of findings) {
    // Already members-only: the whole post (no real divider, access not public) or below a real divider.
    const covered = divider !== undefined ? f.line > divider : input.access !== 'public';
    if (covered) {
      const why = divider !== undefined ? `it is below the divider on line ${divider}` : `the whole post is members-only (access: ${input.access})`;
      warnings.push(`${file}:${f.line}: ${f.what}; nothing is published, as ${why}. Write the divider exactly as ${DIVIDER_FORM} on a line of its own, or remove this line`);
    } else {
      errors.push(`${file}:${f.line}: ${f.what}, so everything after it would be public. Write the divider exactly as ${DIVIDER_FORM} on a line of its own`);
    }
  }
  return { errors, warnings, inline: divider !== undefined };
}

function checkMdx(input: BodyInput, prose: Line[], errors: string[], warnings: string[]): BodyFindings {
  const { file } = input;
  const gateValues = gateValuesOf(input.tierIds);
  // Whole text (JSX tags may span lines), with fenced code and inline code blanked out.
  const numbers: number[] = [];
  let text = '';
  for (const l of prose) {
    for (let i = 0; i <= l.text.length; i++) numbers.push(l.number);
    text += `${l.text}\n`;
  }
  const lineAt = (index: number) => numbers[index] ?? numbers[numbers.length - 1] ?? 1;
  const FORM = '<MembersOnly>…</MembersOnly> (or <MembersOnly tier="patron">…</MembersOnly>)';
  let blocks = 0;
  const lowercase: { line: number; name: string }[] = [];
  const reported = new Set<string>();
  for (const m of text.matchAll(TAG)) {
    const [closing, name, attrs] = [m[1], m[2]!, m[3] ?? ''];
    const line = lineAt(m.index);
    if (name === MEMBERS_ONLY_TAG) {
      if (closing) continue;
      blocks++;
      const tier = membersOnlyTier(attrs);
      if (tier !== undefined && !gateValues.includes(tier)) {
        errors.push(`${file}:${line}: MembersOnly tier: expected one of ${gateValues.join(', ')}, got ${JSON.stringify(tier)}`);
      } else if (tier === undefined && /\btier\b/.test(attrs)) {
        errors.push(`${file}:${line}: MembersOnly tier: expected a quoted tier id, like tier="${input.tierIds[0] ?? 'members'}", got ${attrs.trim().replace(/\/$/, '').trim()}`);
      }
      continue;
    }
    if (!looksLikeMembers(name) || (closing && reported.has(name))) continue;
    reported.add(name);
    if (/^[A-Z]/.test(name) || name.includes('.')) {
      // MDX takes a capitalised tag for a component, and stops the build on one it doesn't know.
      errors.push(`${file}:${line}: <${closing}${name}> is not the members-only block, and the build would stop on it. Write ${FORM}`);
    } else {
      lowercase.push({ line, name: `${closing}${name}` });
    }
  }
  for (const l of prose) {
    for (const m of withoutInlineCode(l.text).matchAll(COMMENTISH)) {
      errors.push(
        looksLikeMembers(m[1]!)
          ? `${file}:${l.number}: "${m[0]}" is the Markdown divider, which MDX cannot read (the build would stop on it). In MDX write ${FORM}`
          : `${file}:${l.number}: MDX cannot read HTML comments like "${m[0]}" (the build would stop on it); write {/* … */} instead`,
      );
    }
  }
  for (const f of lowercase) {
    const what = `${file}:${f.line}: <${f.name}> is not the members-only block`;
    // A lowercase tag is plain HTML: its text is published unless the whole post is members-only.
    if (blocks === 0 && input.access !== 'public') warnings.push(`${what}; nothing is published, as the whole post is members-only (access: ${input.access}). Write ${FORM}, or remove the tag`);
    else errors.push(`${what}, so the text in it would be public. Write ${FORM}`);
  }
  return { errors, warnings, inline: blocks > 0 };
}
