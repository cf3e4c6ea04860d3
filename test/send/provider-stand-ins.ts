// Local stand-ins for the HTTP email providers, checking the request shapes their docs give and answering
// as they document: Resend's POST /emails/batch (Bearer key, a JSON array of at most 100 emails, each with
// from, to, subject and html or text; an Idempotency-Key kept 24 hours: the same key and body answer the
// first answer again without sending, the same key with another body is 409 invalid_idempotent_request;
// 429 rate_limit_exceeded with retry-after), and Postmark's POST /email/batch (X-Postmark-Server-Token, at
// most 500 messages, one result per message with ErrorCode 0 when accepted, 422 ErrorCode 300 for an
// invalid request, 429 when over the rate).

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';

export interface Accepted {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  from: string;
  replyTo?: string;
}

export interface ProviderStandIn {
  url: string;
  accepted: Accepted[];
  requests: number;
  /** Answer the next n requests 429 with `retry-after: 1`. */
  rateLimitNext(n: number): void;
  /** Called with each request's number (1-based) after it is accepted and before it is answered; return false to never answer. */
  onAccepted?: (n: number) => boolean;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));

async function serve(handle: (req: IncomingMessage, res: ServerResponse, text: string, self: ProviderStandIn) => void): Promise<ProviderStandIn> {
  let limited = 0;
  const self: ProviderStandIn = {
    url: '',
    accepted: [],
    requests: 0,
    rateLimitNext: (n) => void (limited = n),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const server = createServer(async (req, res) => {
    const text = await body(req);
    if (limited > 0) {
      limited--;
      json(res, 429, { statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests.', ErrorCode: 429, Message: 'Rate limit exceeded.' }, { 'retry-after': '1' });
      return;
    }
    handle(req, res, text, self);
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  self.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return self;
}

export function resendStandIn(apiKey: string): Promise<ProviderStandIn> {
  const keys = new Map<string, { hash: string; answer: unknown }>();
  return serve((req, res, text, self) => {
    if (req.method !== 'POST' || req.url !== '/emails/batch') return json(res, 404, { statusCode: 404, name: 'not_found', message: 'The requested endpoint does not exist.' });
    if (req.headers.authorization !== `Bearer ${apiKey}`) return json(res, 401, { statusCode: 401, name: 'missing_api_key', message: 'Missing API key in the authorization header.' });
    if (!String(req.headers['content-type']).startsWith('application/json')) return json(res, 422, { statusCode: 422, name: 'validation_error', message: 'Expected JSON.' });
    let emails: unknown;
    try {
      emails = JSON.parse(text);
    } catch {
      return json(res, 422, { statusCode: 422, name: 'validation_error', message: 'Invalid JSON.' });
    }
    if (!Array.isArray(emails) || emails.length === 0 || emails.length > 100) return json(res, 422, { statusCode: 422, name: 'validation_error', message: 'A batch holds 1 to 100 emails.' });
    for (const e of emails as Record<string, unknown>[]) {
      const ok = typeof e.from === 'string' && Array.isArray(e.to) && e.to.length >= 1 && e.to.length <= 50 && typeof e.subject === 'string' && (typeof e.html === 'string' || typeof e.text === 'string');
      if (!ok) return json(res, 422, { statusCode: 422, name: 'validation_error', message: 'Each email needs from, to (1 to 50), subject, and html or text.' });
      if (e.headers !== undefined && (typeof e.headers !== 'object' || Object.values(e.headers as object).some((v) => typeof v !== 'string'))) return json(res, 422, { statusCode: 422, name: 'validation_error', message: 'headers must map names to strings.' });
    }
    const key = req.headers['idempotency-key'];
    const hash = createHash('sha256').update(text).digest('hex');
    if (typeof key === 'string') {
      if (key.length > 256) return json(res, 422, { statusCode: 422, name: 'validation_error', message: 'Idempotency-Key is at most 256 characters.' });
      const seen = keys.get(key);
      if (seen && seen.hash !== hash) return json(res, 409, { statusCode: 409, name: 'invalid_idempotent_request', message: 'Same idempotency key used with a different request payload.' });
      if (seen) return json(res, 200, seen.answer);
    }
    self.requests++;
    for (const e of emails as Record<string, unknown>[]) {
      self.accepted.push({ to: (e.to as string[])[0]!, subject: String(e.subject), html: String(e.html ?? ''), text: String(e.text ?? ''), headers: (e.headers ?? {}) as Record<string, string>, from: String(e.from), ...(typeof e.reply_to === 'string' ? { replyTo: e.reply_to } : {}) });
    }
    const answer = { data: (emails as unknown[]).map(() => ({ id: randomUUID() })) };
    if (typeof key === 'string') keys.set(key, { hash, answer });
    if (self.onAccepted && self.onAccepted(self.requests) === false) return; // never answered: the sender is killed
    json(res, 200, answer);
  });
}

export function postmarkStandIn(token: string, options: { refuse?: (to: string) => boolean } = {}): Promise<ProviderStandIn> {
  return serve((req, res, text, self) => {
    if (req.method !== 'POST' || req.url !== '/email/batch') return json(res, 404, { ErrorCode: 404, Message: 'Not found.' });
    if (req.headers['x-postmark-server-token'] !== token) return json(res, 401, { ErrorCode: 10, Message: 'Request does not contain a valid Server token.' });
    if (req.headers.accept !== 'application/json' || !String(req.headers['content-type']).startsWith('application/json')) return json(res, 415, { ErrorCode: 415, Message: 'Accept and Content-Type must be application/json.' });
    let messages: unknown;
    try {
      messages = JSON.parse(text);
    } catch {
      return json(res, 422, { ErrorCode: 402, Message: 'Invalid JSON.' });
    }
    if (!Array.isArray(messages) || messages.length > 500) return json(res, 422, { ErrorCode: 300, Message: 'A batch holds at most 500 messages.' });
    self.requests++;
    const results = (messages as Record<string, unknown>[]).map((m) => {
      if (typeof m.From !== 'string' || typeof m.To !== 'string' || typeof m.Subject !== 'string' || (typeof m.HtmlBody !== 'string' && typeof m.TextBody !== 'string')) return { ErrorCode: 300, Message: 'Invalid email request.' };
      if (!Array.isArray(m.Headers) || m.Headers.some((h: { Name?: unknown; Value?: unknown }) => typeof h.Name !== 'string' || typeof h.Value !== 'string')) return { ErrorCode: 300, Message: 'Headers must be a list of Name and Value.' };
      if (options.refuse?.(m.To)) return { ErrorCode: 406, Message: 'You tried to send to a recipient that has been marked as inactive.' };
      const headers = Object.fromEntries((m.Headers as { Name: string; Value: string }[]).map((h) => [h.Name, h.Value]));
      self.accepted.push({ to: m.To, subject: m.Subject, html: String(m.HtmlBody ?? ''), text: String(m.TextBody ?? ''), headers, from: m.From, ...(typeof m.ReplyTo === 'string' ? { replyTo: m.ReplyTo } : {}) });
      return { ErrorCode: 0, Message: 'OK', MessageID: randomUUID(), SubmittedAt: new Date().toISOString(), To: m.To };
    });
    json(res, 200, results);
  });
}
