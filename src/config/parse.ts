// Parses the text of site.yaml and of post frontmatter into typed, validated values, or throws one
// ContentError listing every problem. Pure: no file system, so the build, `npm run check` and the tests
// all produce the very same messages.

import { parseDocument, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { Errors, TruefansError } from '../core/errors.ts';
import { formatIssues } from './format-issues.ts';
import { pageSchema, type PageFrontmatter } from './page-schema.ts';
import { postSchema, type PostFrontmatter } from './post-schema.ts';
import { siteSchema, type SiteConfig } from './site-schema.ts';

export class ContentError extends TruefansError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(Errors.ContentInvalid, { problems });
    this.name = 'ContentError';
    this.problems = problems;
  }
}

/** Field names of the object schema found at `path` inside `schema`, for "did you mean" hints. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  const unwrap = (s: z.ZodType): z.ZodType => {
    let cur = s as z.ZodType & { unwrap?: () => z.ZodType };
    while (cur && typeof cur.unwrap === 'function' && !(cur instanceof z.ZodObject) && !(cur instanceof z.ZodArray)) cur = cur.unwrap() as typeof cur;
    return cur;
  };
  for (const part of path) {
    if (!node) return [];
    node = unwrap(node);
    if (node instanceof z.ZodArray && typeof part === 'number') node = node.element as z.ZodType;
    else if (node instanceof z.ZodObject && typeof part === 'string') node = node.shape[part] as z.ZodType | undefined;
    else return [];
  }
  node = node && unwrap(node);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** Reads YAML text; a syntax error becomes `file:line:col: ...`. */
export function readYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error instanceof YAMLParseError && error.linePos ? `:${error.linePos[0].line}:${error.linePos[0].col}` : '';
    const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ContentError([`${file}${pos}: the YAML could not be read: ${reason}. Check the indentation and quotes on that line.`]);
  }
  return doc.toJS() ?? {};
}

export function parseSite(text: string, file = 'content/site.yaml'): SiteConfig {
  const raw = readYaml(text, file);
  const result = siteSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ContentError(formatIssues(file, result.error.issues, { knownKeys: (p) => keysAt(siteSchema, p) }));
  }
  return result.data;
}

const FRONTMATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Splits a Markdown/MDX file into its frontmatter text and body. */
export function splitFrontmatter(source: string): { frontmatter: string | undefined; body: string } {
  const match = FRONTMATTER.exec(source.replace(/^\uFEFF/, ''));
  if (!match) return { frontmatter: undefined, body: source };
  return { frontmatter: match[1]!, body: source.slice(match[0].length) };
}

function parseFrontmatter<S extends z.ZodType>(source: string, file: string, schema: S, what: string): z.infer<S> {
  const { frontmatter } = splitFrontmatter(source);
  if (frontmatter === undefined) {
    throw new ContentError([`${file}: no frontmatter; start the file with a --- block that has at least ${what}`]);
  }
  const raw = readYaml(frontmatter, file);
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ContentError(formatIssues(file, result.error.issues, { knownKeys: (p) => keysAt(schema, p) }));
  }
  return result.data;
}

/**
 * Validates one post's frontmatter against the site's tiers. `cover` is checked by `coverExists`
 * (relative to the post file); Astro resolves the image itself during the build.
 */
export function parsePost(
  source: string,
  file: string,
  tierIds: readonly string[],
  coverExists: (path: string) => boolean = () => true,
): PostFrontmatter {
  const cover = z.string({ error: 'expected a path to an image beside the post' }).refine(coverExists, { error: 'expected an image file that exists beside the post' });
  const recording = z.string().refine(coverExists, { error: 'expected a file that exists, relative to the post' });
  return parseFrontmatter(source, file, postSchema(tierIds, cover, recording), 'a title and a date') as PostFrontmatter;
}

/** Validates one page's frontmatter (content/pages/*.md). */
export function parsePage(source: string, file: string): PageFrontmatter {
  return parseFrontmatter(source, file, pageSchema, 'a title');
}
