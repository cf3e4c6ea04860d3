// The local outbox: in development, the demo and tests, emails are not sent but kept here, and shown on
// a page with their links, so signing in works on one machine with no mail server. A Web-standard
// handler mounted under /_outbox/ by the demo server; the edge's `outbox` mail provider POSTs to it.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EmailMessage } from '../core/ports.ts';
import { redirect } from '../core/http/respond.ts';

export const OUTBOX_PREFIX = '/_outbox';

export interface StoredEmail extends EmailMessage {
  id: number;
  at: string;
}

export interface Outbox {
  handle(request: Request): Promise<Response>;
  readonly messages: readonly StoredEmail[];
  clear(): void;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Escapes text and turns http(s) links into anchors, so a sign-in link can be clicked. */
function linkify(text: string): string {
  return escape(text).replace(/https?:\/\/[^\s<>"]+/g, (url) => `<a href="${url}">${url}</a>`);
}

function page(messages: readonly StoredEmail[]): string {
  const items = [...messages]
    .reverse()
    .map(
      (m) => `<article class="mail" aria-labelledby="m${m.id}">
  <h2 id="m${m.id}">${escape(m.subject)}</h2>
  <p class="meta">To <strong>${escape(m.to)}</strong>${m.replyTo ? ` · Reply-To ${escape(m.replyTo)}` : ''} · ${escape(m.kind)} · <time datetime="${m.at}">${escape(m.at.replace('T', ' ').slice(0, 19))} UTC</time></p>
  ${m.kind === 'post' && m.html ? `<details><summary>As HTML</summary><iframe sandbox title="${escape(m.subject)} as HTML" srcdoc="${escape(m.html)}" style="width:100%;height:32rem;border:0"></iframe></details>` : ''}
  <pre>${linkify(m.text)}</pre>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Outbox · truefans (local)</title>
<style>
:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}
body{max-width:46rem;margin:2rem auto;padding:0 1rem}
.mail{border:1px solid #8886;border-radius:.5rem;padding:1rem;margin:1rem 0}
.mail h2{margin:0;font-size:1.15rem}.meta{margin:.25rem 0 .75rem;font-size:.9rem;opacity:.85}
pre{white-space:pre-wrap;font-family:inherit;margin:0}
.mail{overflow-wrap:anywhere}
a{color:LinkText}a:focus-visible,button:focus-visible{outline:3px solid Highlight;outline-offset:2px}
</style></head>
<body><header><h1>Outbox</h1>
<p>Emails truefans sent while running locally. Nothing leaves this machine. <a href="/">Back to the site</a></p>
<form method="post" action="${OUTBOX_PREFIX}/clear"><button>Clear the outbox</button></form></header>
<main>${items || '<p>No emails yet. Subscribe or sign in on the site, then reload this page.</p>'}</main></body></html>`;
}

export function createOutbox(options: { stateFile?: string } = {}): Outbox {
  const messages: StoredEmail[] =
    options.stateFile && existsSync(options.stateFile) ? (JSON.parse(readFileSync(options.stateFile, 'utf8')) as StoredEmail[]) : [];
  const save = () => {
    if (!options.stateFile) return;
    mkdirSync(dirname(options.stateFile), { recursive: true });
    writeFileSync(`${options.stateFile}.tmp`, JSON.stringify(messages, null, 2));
    renameSync(`${options.stateFile}.tmp`, options.stateFile);
  };

  return {
    get messages() {
      return messages;
    },
    clear() {
      messages.length = 0;
      save();
    },
    async handle(request) {
      const { pathname } = new URL(request.url);
      const path = pathname.slice(OUTBOX_PREFIX.length) || '/';
      const headers = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
      if (request.method === 'POST' && path === '/messages') {
        if (!request.headers.get('content-type')?.includes('application/json')) return new Response('JSON only', { status: 415, headers });
        const body = (await request.json().catch(() => null)) as Partial<EmailMessage> | null;
        if (!body || typeof body.to !== 'string' || typeof body.subject !== 'string' || typeof body.text !== 'string') {
          return new Response('expected {to, subject, text, kind}', { status: 400, headers });
        }
        // Like Resend, the same idempotency key is one email however often it is sent (a resumed `npm run send`).
        if (typeof body.idempotencyKey === 'string' && messages.some((m) => m.idempotencyKey === body.idempotencyKey)) return new Response(null, { status: 204, headers });
        const stored: StoredEmail = {
          id: messages.length + 1,
          at: new Date().toISOString(),
          to: body.to,
          subject: body.subject,
          text: body.text,
          kind: typeof body.kind === 'string' ? body.kind : 'email',
          ...(typeof body.html === 'string' ? { html: body.html } : {}),
          ...(typeof body.replyTo === 'string' ? { replyTo: body.replyTo } : {}),
          ...(typeof body.idempotencyKey === 'string' ? { idempotencyKey: body.idempotencyKey.slice(0, 256) } : {}),
        };
        messages.push(stored);
        save();
        return new Response(null, { status: 204, headers });
      }
      if (request.method === 'POST' && path === '/clear') {
        messages.length = 0;
        save();
        return redirect(`${OUTBOX_PREFIX}/`, { headers });
      }
      if (request.method === 'GET' && path === '/messages.json') return Response.json(messages, { headers });
      if (request.method === 'GET' && (path === '/' || path === '')) {
        return new Response(page(messages), { headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
      }
      return new Response('Not found', { status: 404, headers });
    },
  };
}
