// Writes the one set of security headers (src/core/http/security-headers.ts) for the static files each CDN
// serves without the function, and checks that every inline script or style in the built pages is allowed
// by a hash in that set (so the CSP never silently breaks a page).

import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Errors, TruefansError } from '../core/errors.ts';
import { SCRIPT_HASHES, SEARCH_FILES, SEARCH_PAGE, SEARCH_PAGE_CSP, STATIC_HEADERS, STYLE_HASHES } from '../core/http/security-headers.ts';

const title = (name: string) => name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => `${dash}${c.toUpperCase()}`);

/** Netlify's and Cloudflare's `_headers` file (the same format): every path gets the set. */
export function headersFile(): string {
  return `# Written by the truefans build from src/core/http/security-headers.ts; edits here are overwritten.\n/*\n${Object.entries(STATIC_HEADERS)
    .map(([name, value]) => `  ${title(name)}: ${value}`)
    .join('\n')}\n` +
    // The search page's own policy, for its two paths: a rule for an exact path is more specific than /*.
    [SEARCH_PAGE, `${SEARCH_PAGE}index.html`, `${SEARCH_FILES}*`].map((p) => `${p}\n  Content-Security-Policy: ${SEARCH_PAGE_CSP}\n`).join('');
}

export async function writeHeadersFile(distDir: string): Promise<void> {
  await writeFile(path.join(distDir, '_headers'), headersFile());
}

async function* htmlFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(file);
    else if (entry.name.endsWith('.html')) yield file;
  }
}

const sha256 = (text: string) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
/** Script types a browser runs (JSON-LD and other data blocks are not, and CSP does not apply to them). */
const RUNS = /^\s*(?:|module|text\/javascript|application\/javascript)\s*$/i;

/** Fails the build, naming the file, if a page has an inline script or style the CSP would block. */
export async function checkInlineHashes(distDir: string): Promise<void> {
  const problems: string[] = [];
  for await (const file of htmlFiles(distDir)) {
    const html = await readFile(file, 'utf8');
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      const attrs = m[1]!;
      if (/\bsrc\s*=/i.test(attrs)) continue;
      const type = /\btype\s*=\s*["']?([^"'\s>]*)/i.exec(attrs)?.[1] ?? '';
      if (!RUNS.test(type)) continue;
      const hash = sha256(m[2]!);
      if (!SCRIPT_HASHES.includes(hash)) problems.push(`${path.relative(distDir, file)}: an inline <script> (add '${hash}' to SCRIPT_HASHES)`);
    }
    for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) {
      const hash = sha256(m[1]!);
      if (!STYLE_HASHES.includes(hash)) problems.push(`${path.relative(distDir, file)}: an inline <style> (add '${hash}' to STYLE_HASHES)`);
    }
  }
  if (problems.length) {
    throw new TruefansError(Errors.PlatformConfigInvalid, { kind: 'inline-hashes', problems });
  }
}
