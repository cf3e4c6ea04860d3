// HTML from Ghost or Substack to Markdown with turndown (a maintained converter), keeping the members
// divider as truefans' `<!-- members -->` line, and the images it references, for the download step.

import TurndownService from 'turndown';
import { DIVIDER_MARK } from './types.ts';

const turndown = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '*' });
// Embeds, scripts and forms of the old platform do not carry over (and scripts never run here).
turndown.remove(['script', 'style', 'form', 'iframe', 'button', 'noscript']);

/** Markdown of `html`; a DIVIDER_MARK paragraph becomes the members divider on a line of its own. */
export function toMarkdown(html: string): string {
  const markdown = turndown.turndown(html);
  return `${markdown
    .split('\n')
    .map((line) => (line.trim() === DIVIDER_MARK ? '<!-- members -->' : line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

const IMAGE = /!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/** Every image URL the Markdown references, in order, once each. */
export function imagesOf(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(IMAGE)].map((m) => m[2]!))];
}

/** `markdown` with each image URL in `moved` replaced by its new path. */
export function replaceImages(markdown: string, moved: ReadonlyMap<string, string>): string {
  return markdown.replace(IMAGE, (all, alt: string, url: string) => (moved.has(url) ? `![${alt}](${moved.get(url)})` : all));
}
