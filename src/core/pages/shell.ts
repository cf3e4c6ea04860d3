// Renders the function's own pages inside the site's layout: the build writes `/truefans-shell/` with
// `%TRUEFANS_TITLE%` and `%TRUEFANS_MAIN%` placeholders. If it cannot be read, a minimal built-in page
// stands in, so an error page never depends on the thing that may have failed.

import { escapeHtml } from '../http/html.ts';

export function fallbackShell(lang = 'en'): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>%TRUEFANS_TITLE%</title>
<style>body{font-family:system-ui,sans-serif;line-height:1.5;max-width:40em;margin:2rem auto;padding:0 1rem;color:#222}button{font:inherit;padding:.4em 1em}input{font:inherit;padding:.3em}</style></head>
<body><main>%TRUEFANS_MAIN%</main></body>
</html>`;
}

/** `title` is text (escaped here); `main` is HTML built by views.ts, which escapes its own data. */
export function renderShell(shell: string, title: string, main: string): string {
  // Split-and-join rather than String.replace, whose `$&` patterns would read a creator's `$` as syntax.
  return shell.split('%TRUEFANS_TITLE%').join(escapeHtml(title)).split('%TRUEFANS_MAIN%').join(main);
}
