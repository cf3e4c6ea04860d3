// What every route works with, built once per handler: the parsed configuration, the keyring, the billing
// (the payment provider), the mailer and the manifest, plus the injected clock, store, fetch and log.

import type { Entitlements } from './access.ts';
import type { Billing } from './billing.ts';
import type { Memo } from './memo.ts';
import type { LocalClaims } from './claims.ts';
import type { Buckets } from './rate-limit.ts';
import type { Session } from './tokens/session.ts';
import type { Keyring } from './crypto/keys.ts';
import type { EdgeConfig } from './env.ts';
import { canonicalPath } from './http/canonical-path.ts';
import type { AssetEntry, ManifestHead, PageEntry } from './manifest.ts';
import type { AssetFetcher, KeyValueStore, Mailer } from './ports.ts';
import type { SiteInfo } from './email/messages.ts';
import type { LegacyTiers } from './holdings.ts';

export interface App {
  config: EdgeConfig;
  keyring: Keyring;
  billing: Billing;
  mailer: Mailer | undefined;
  manifest: ManifestHead;
  /** A gated page of the manifest by its key (checked on first use; throws when malformed). */
  page(key: string): PageEntry | undefined;
  /** A sealed asset of the manifest by its id (checked on first use; throws when malformed). */
  asset(id: string): AssetEntry | undefined;
  /** The site's origin, from SITE_URL or the manifest; used for Origin checks, JWT issuer and absolute links. */
  siteOrigin: string;
  site: SiteInfo;
  rankedTiers: string[];
  offerIds: string[];
  /** Stripe products and prices from elsewhere that count as a tier (manifest `tiers[].also`). */
  legacyTiers: LegacyTiers;
  assets: AssetFetcher;
  store: KeyValueStore | undefined;
  /** Milliseconds. */
  now(): number;
  log(line: string): void;
  fetch: typeof fetch;
  /** The site's page layout with its placeholders (or the built-in fallback). */
  shell(): Promise<string>;
  /** The built /signin/ page when it can serve as the sign-in template (pages/signin-page.ts), else undefined. */
  signInTemplate(): Promise<string | undefined>;
  /** Feed tokens carry no check time, so recent checks are remembered here (and in the store, if any); bounded. */
  feedChecks: Memo<{ ent: Entitlements; checkedAt: number; gen: number; customers: string[] }>;
  /** Per-instance budgets for requests that cost a Stripe call or an email (rate-limit.ts). */
  buckets: Buckets;
  /** Single-use claims held by this isolate (claims.ts). */
  claims: LocalClaims;
  /** Per-isolate memos, bounded in bytes: verified session tokens, opened sealed parts, gated pages as served (by the file's ETag and what the reader holds). */
  memo: { sessions: Memo<Session>; opened: Memo<string>; pages: Memo<{ bytes: Uint8Array<ArrayBuffer>; type: string; etag: string }> };
}

export interface Ctx {
  request: Request;
  url: URL;
  app: App;
  /** The client's IP address as the adapter reports it, for per-client limits (never stored raw). */
  clientIp?: string;
  /** Reads this request's own page: the platform's per-request static call, else the app's assets. */
  page: AssetFetcher;
  /** Runs work after the response where the platform allows; otherwise awaits it. */
  background(work: Promise<unknown>): Promise<void>;
}

/**
 * A path that canonicalPath returns unchanged: lowercase segments of letters, digits, `-` and `_` (no `%`,
 * dot, backslash or empty segment for it to fold), each closed by a slash.
 */
const CANONICAL = /^\/(?:[a-z0-9_-]+\/)*$/;

/**
 * Canonical page path -> manifest key. Built once per isolate, so on a short-lived one it is part of every
 * cold request: the keys the build writes are already canonical and skip the full fold (about 5 us each:
 * 9.4 against 0.3 ms per boot for 2,000 pages, measured warm in Node).
 */
export function pageIndex(manifest: ManifestHead): Map<string, string> {
  const index = new Map<string, string>();
  for (const key of Object.keys(manifest.pages)) index.set(CANONICAL.test(key) ? key : canonicalPath(key), key);
  return index;
}


export function tierName(manifest: ManifestHead, id: string): string {
  return manifest.tiers.find((t) => t.id === id)?.name ?? id;
}

export function offerName(manifest: ManifestHead, id: string): string {
  return manifest.offers.find((o) => o.id === id)?.name ?? id;
}
