// The hosted pages' shared parts: escaping, the page frame and its small stylesheet. No scripts.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** A tagged template that escapes every interpolation unless it is already `Html`. */
export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map((each) => render(each as Part)).join('');
  return escapeHtml(part);
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0] ?? '';
  parts.forEach((part, index) => {
    out += render(part) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

/** Checkout's custom text as Stripe shows it: plain text with **bold** and [links](https://...) in
 *  Markdown; everything else stays text. */
export function markdownText(value: string): Html {
  const out = escapeHtml(value)
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2">$1</a>');
  return new Html(out);
}

const STYLE = `
:root { color-scheme: light; --ink: #1a1f36; --muted: #4f566b; --line: #d8dbe3; --accent: #4b3fce; --bad: #b3261e; --good: #17623a; --paper: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--paper); }
.frame { max-width: 960px; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
.test-banner { background: #fff4cc; color: #5c4400; text-align: center; padding: .4rem 1rem; font-size: .875rem; border-bottom: 1px solid #ecd98a; }
.test-banner p { margin: 0; }
.columns { display: grid; gap: 2.5rem; grid-template-columns: 1fr; }
@media (min-width: 800px) { .columns { grid-template-columns: 1fr 1fr; } }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .25rem 0 .5rem; }
h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
.eyebrow { color: var(--muted); margin: 0; font-size: .95rem; }
.amount { font-size: 2.25rem; font-weight: 650; margin: .25rem 0; letter-spacing: -.01em; }
.amount small { font-size: 1rem; font-weight: 400; color: var(--muted); }
.trial { color: var(--good); font-weight: 600; margin: .25rem 0 1rem; }
.muted { color: var(--muted); }
.card { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 1.25rem 1.5rem; margin: 0 0 1.25rem; }
table.lines { width: 100%; border-collapse: collapse; margin: 1rem 0; }
table.lines th, table.lines td { text-align: left; padding: .45rem 0; border-bottom: 1px solid var(--line); font-weight: 400; }
table.lines td:last-child, table.lines th:last-child { text-align: right; }
table.lines tr.total th, table.lines tr.total td { font-weight: 650; border-bottom: 0; }
label { display: block; font-weight: 550; margin: 1rem 0 .3rem; font-size: .95rem; }
.hint { font-weight: 400; color: var(--muted); font-size: .875rem; }
input[type=text], input[type=email] { width: 100%; font: inherit; padding: .6rem .75rem; border: 1px solid #8a91a5; border-radius: 8px; background: #fff; color: var(--ink); }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid #8f86ff; outline-offset: 2px; }
input[aria-invalid=true] { border-color: var(--bad); }
fieldset { border: 0; padding: 0; margin: 0; }
legend { font-weight: 550; margin: 1rem 0 .3rem; font-size: .95rem; padding: 0; }
.card-fields { display: grid; grid-template-columns: 1fr 1fr; gap: .5rem; }
.card-fields .full { grid-column: 1 / -1; }
.card-fields label { margin: 0 0 .2rem; font-weight: 400; font-size: .875rem; color: var(--muted); }
button { font: inherit; font-weight: 600; border-radius: 8px; padding: .7rem 1.1rem; cursor: pointer; border: 1px solid var(--accent); background: var(--accent); color: #fff; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
button.wide { width: 100%; margin-top: 1.5rem; padding: .85rem; font-size: 1.05rem; }
.inline { display: flex; gap: .5rem; align-items: end; }
.inline input { flex: 1; }
.alert { border-radius: 8px; padding: .75rem 1rem; margin: 0 0 1rem; border: 1px solid; }
.alert.error { color: var(--bad); background: #fdecea; border-color: #f3b8b3; }
.alert.ok { color: var(--good); background: #e8f5ec; border-color: #a8d5b7; }
.field-error { color: var(--bad); margin: .3rem 0 0; font-size: .9rem; }
.status { display: inline-block; font-size: .8rem; font-weight: 600; border-radius: 999px; padding: .1rem .6rem; background: #e3e8ef; color: var(--ink); vertical-align: middle; }
.status.active, .status.trialing, .status.paid { background: #d7f7e1; color: #0c4a24; }
.status.past_due, .status.open { background: #fde8d0; color: #6b3300; }
.status.canceled { background: #ececf0; color: #3c4257; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: 1rem; }
.actions form { margin: 0; }
ul.plain { list-style: none; padding: 0; margin: 0; }
ul.plain li { padding: .5rem 0; border-bottom: 1px solid var(--line); display: flex; justify-content: space-between; gap: 1rem; align-items: center; flex-wrap: wrap; }
ul.plain li:last-child { border-bottom: 0; }
a { color: var(--accent); }
.back { display: inline-block; margin-top: 1.25rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
table.lines caption { text-align: left; color: var(--muted); }
fieldset legend { margin-top: 1.25rem; }
footer { color: var(--muted); font-size: .85rem; margin-top: 2.5rem; }
`;

export function page(title: string, body: Html, options: { status?: number; headers?: Record<string, string> } = {}): Response {
  const document = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<header class="test-banner"><p>Test mode: a local Stripe stand-in. No real payment is made.</p></header>
<div class="frame">
${body}
</div>
</body>
</html>`;
  return new Response(document.value, {
    status: options.status ?? 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'; base-uri 'none'",
      ...options.headers,
    },
  });
}

export function redirect(location: string, status = 303): Response {
  return new Response(null, { status, headers: { location, 'cache-control': 'no-store' } });
}

export function notFound(what: string): Response {
  return page('Not found', html`<main><h1>${what} not found</h1><p class="muted">This link is not valid, or it has expired.</p></main>`, { status: 404 });
}
