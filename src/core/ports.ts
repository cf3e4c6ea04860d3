// The small interfaces through which side effects enter the core. Each platform adapter fills them;
// tests swap them. Nothing here imports a platform API.

import type { BillingFactory } from './billing.ts';
import type { EdgeConfig } from './env.ts';

/** Reads a file of the static deploy output by its URL path (e.g. `/posts/hello/` or `/_truefans/manifest.json`). */
export interface AssetFetcher {
  fetch(path: string, request: Request): Promise<Response>;
  /**
   * Reads bytes `start`..`end` (inclusive; `end` past the file's end means up to it) of a file of the
   * deploy: a 206 with just those bytes and their Content-Range. The function reads sealed recordings
   * through it, a few chunks at a time. Without it, or where the platform's static serving answers 200
   * (it ignored the Range), the core reads from the start and drops what comes before `start`
   * (src/core/media/read-range.ts): correct, but slower the further into the file.
   */
  range?(path: string, request: Request, start: number, end: number): Promise<Response>;
}

/** Optional key/value store (Cloudflare KV, Netlify Blobs, a Map): rate limits, webhook idempotency, single-use links. */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { ttlSeconds?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Writes `value` only if `key` holds nothing; true if this call wrote it. Claims (a sign-in link's use,
   * a webhook event's handling) are made with it before any slow call. Atomic where `atomic` is true; an
   * eventually consistent store (Cloudflare KV) can only read then write, so two places may both win.
   */
  putIfAbsent(key: string, value: string, options?: { ttlSeconds?: number }): Promise<boolean>;
  /** Whether putIfAbsent is atomic across every instance that shares the store. */
  readonly atomic: boolean;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Why it was sent (sign-in, welcome, new-fan, goodbye, payment-failed); for the outbox and logs. */
  kind: string;
  /** Where a reply goes: the fan, on the creator's notes, so the creator can write back. */
  replyTo?: string;
  /** Same key, same email: a provider that supports it (Resend) sends it once, however often it is asked. */
  idempotencyKey?: string;
}

export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

/** Raw environment variables as the platform gives them; parsed once, at the boundary, by the core. */
export type EdgeEnv = Readonly<Record<string, string | undefined>>;

/** Per-request context from the platform. */
export interface RequestContext {
  /** Keeps work (an email, a store write) alive after the response, where the platform allows it. */
  waitUntil?(promise: Promise<unknown>): void;
  /** The client's IP address, as the platform reports it (never from a header the client controls). */
  clientIp?: string;
  /**
   * The platform's own "serve the static file" call for this very request (Netlify's `context.next()`),
   * where the platform gives one per request. The core reads the request's own page through it (the
   * file the CDN would have served at this URL); every other file still comes from HandlerOptions.assets.
   */
  page?: AssetFetcher;
}

export type Handler = (request: Request, context?: RequestContext) => Promise<Response>;

/** Makes the mailer from the parsed configuration and the fetch; undefined when no email provider is set. */
export type MailerFactory = (config: EdgeConfig, fetchImpl: typeof fetch) => Mailer | undefined;

export interface HandlerOptions {
  env: EdgeEnv;
  assets: AssetFetcher;
  /**
   * The payment provider behind the Billing port, made once from the parsed configuration (the core
   * parses the keys) and the fetch. Adapters pass `createStripeBilling` (src/billing/stripe, or `#billing`).
   */
  billing: BillingFactory;
  /** The mailer; defaults to the provider TRUEFANS_EMAIL_PROVIDER names (plain fetch calls, core/email/mailer.ts). */
  mailer?: MailerFactory;
  store?: KeyValueStore;
  /** Injected for tests; defaults to Date.now. Milliseconds. */
  now?: () => number;
  /** Injected for tests and for the local outbox; defaults to globalThis.fetch. */
  fetch?: typeof fetch;
  /** Where the function's log lines go (one line each, never a secret); defaults to console.error. */
  log?: (line: string) => void;
}
