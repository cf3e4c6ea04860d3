// Booting the function: the parts built once per handler (the parsed environment, the keyring, the billing
// (injected), the mailer), the manifest (loaded once, a failure retried after a while), the site's page
// templates, and the per-isolate memos. `app()` assembles them into the App every route works with.

import { pageIndex, type App } from './context.ts';
import { createLocalClaims } from './claims.ts';
import { createKeyring, type Keyring } from './crypto/keys.ts';
import { createMailer } from './email/mailer.ts';
import { parseEnv, type EdgeConfig } from './env.ts';
import { Errors, TruefansError, isTruefansError } from './errors.ts';
import { HttpProblem } from './http/problem.ts';
import { logLine } from './http/error-response.ts';
import { entrySchemas, manifestHeadSchema, type AssetEntry, type ManifestHead, type PageEntry } from './manifest.ts';
import { Memo } from './memo.ts';
import { fallbackShell } from './pages/shell.ts';
import { isSignInTemplate } from './pages/signin-page.ts';
import { MANIFEST_PATH, SHELL_PATH, SIGNIN_PAGE_PATH } from './paths.ts';
import type { Billing } from './billing.ts';
import type { HandlerOptions, Mailer } from './ports.ts';
import { createBuckets } from './rate-limit.ts';
import { legacyTiersOf } from './holdings.ts';

/** The parts built from the environment: cached for the life of the handler, failure included. */
interface Base {
  config: EdgeConfig;
  keyring: Keyring;
  billing: Billing;
  mailer: Mailer | undefined;
}

export interface LoadedManifest {
  manifest: ManifestHead;
  /** Canonical page path -> manifest key. */
  index: Map<string, string>;
  /** The gated page under this manifest key, checked on first use (a malformed entry: logged, then a 503). */
  page(key: string): PageEntry | undefined;
  /** The sealed asset with this id, checked on first use (a malformed entry: logged, then a 503). */
  asset(id: string): AssetEntry | undefined;
}

/**
 * Looks entries up in one of the manifest's records, checking each against its schema the first time. A
 * malformed entry is logged, as a broken manifest is, and its request answered as for a site not set up.
 */
function checkedEntries<K extends keyof typeof entrySchemas>(manifest: ManifestHead, kind: K, log: (line: string) => void) {
  type Entry = K extends 'pages' ? PageEntry : AssetEntry;
  const record = manifest[kind];
  const checked = new Map<string, Entry>();
  return (key: string): Entry | undefined => {
    const known = checked.get(key);
    if (known) return known;
    if (!Object.hasOwn(record, key)) return undefined;
    const parsed = entrySchemas[kind].safeParse(record[key]);
    if (!parsed.success) {
      log(logLine(manifestError(`does not match this version of truefans (${kind}.${key}: ${parsed.error.issues[0]!.message})`)));
      throw new HttpProblem(Errors.NotConfigured);
    }
    checked.set(key, parsed.data as Entry);
    return parsed.data as Entry;
  };
}

export interface Boot {
  log(line: string): void;
  /** The deploy manifest; rejects (and logs once) when it cannot be read, retried after MANIFEST_RETRY_MS. */
  manifest(origin: string): Promise<LoadedManifest>;
  /** The App for this manifest; rejects when the environment is misconfigured (logged once per problem). */
  app(loaded: LoadedManifest, origin: string): Promise<App>;
  /** The site's page layout with its placeholders, or the built-in fallback. */
  shell(origin: string): Promise<string>;
}

/** A failed manifest load is retried after this long (a deploy may be mid-flight). */
const MANIFEST_RETRY_MS = 30_000;

function manifestError(problem: string): TruefansError {
  return new TruefansError(Errors.ManifestInvalid, { file: MANIFEST_PATH, problem });
}

const MB = 1024 * 1024;
/**
 * What each per-isolate memo may hold, in bytes (least recently used out first): about 30 MB in all, so
 * an isolate (Cloudflare's hold 128 MB) or the Node server stays flat however many fans and pages it
 * sees. Sessions: about 8,000 fans' cookies; pages: a hundred 100 KB pages per holding.
 */
export const MEMO_BYTES = { sessions: 8 * MB, opened: 8 * MB, pages: 12 * MB, feedChecks: 2 * MB } as const;

export function createBoot(options: HandlerOptions): Boot {
  const log = options.log ?? ((line: string) => console.error(line));
  const now = options.now ?? (() => Date.now());
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const feedChecks: App['feedChecks'] = new Memo(MEMO_BYTES.feedChecks);
  const claims = createLocalClaims();
  const buckets = createBuckets();
  // Verifying a cookie and opening a sealed part each cost a trip to WebCrypto's thread pool, and opening
  // a page costs a decode, a scan and an encode; an isolate serving the same fans and pages again
  // remembers the results (keyed by the exact token, envelope, or file version), within MEMO_BYTES.
  // Opened parts and pages are large and, on a site with many posts, mostly asked for once per isolate:
  // they are kept from the second time.
  const memo: App['memo'] = {
    sessions: new Memo(MEMO_BYTES.sessions),
    opened: new Memo(MEMO_BYTES.opened, { admitOnSecondUse: true }),
    pages: new Memo(MEMO_BYTES.pages, { admitOnSecondUse: true }),
  };

  let base: Promise<Base> | undefined;
  function loadBase(): Promise<Base> {
    base ??= (async () => {
      let config: EdgeConfig;
      try {
        config = parseEnv(options.env);
      } catch (error) {
        if (isTruefansError(error)) for (const line of error.message.split('\n').slice(1)) log(`truefans: ${error.code}: ${line.trim().replace(/^- /, '')}`);
        throw error;
      }
      const keyring = await createKeyring(config.secret, config.previousSecret);
      const mailer = options.mailer ? options.mailer(config, fetchImpl) : createMailer(config.email, fetchImpl);
      return { config, keyring, billing: options.billing(config, fetchImpl), mailer };
    })();
    return base;
  }

  let manifest: { value: Promise<LoadedManifest>; at: number } | undefined;
  function loadManifest(origin: string): Promise<LoadedManifest> {
    if (manifest && !(manifest.at < 0 && now() - -manifest.at > MANIFEST_RETRY_MS)) return manifest.value;
    const value = (async () => {
      const response = await options.assets.fetch(MANIFEST_PATH, new Request(new URL(MANIFEST_PATH, origin)));
      if (!response.ok) throw manifestError(`could not be read (HTTP ${response.status})`);
      let json: unknown;
      try {
        json = await response.json();
      } catch {
        throw manifestError('is not valid JSON');
      }
      const parsed = manifestHeadSchema.safeParse(json);
      if (!parsed.success) {
        const first = parsed.error.issues[0]!;
        throw manifestError(`does not match this version of truefans (${first.path.join('.') || 'top level'}: ${first.message})`);
      }
      const head = parsed.data;
      return { manifest: head, index: pageIndex(head), page: checkedEntries(head, 'pages', log), asset: checkedEntries(head, 'assets', log) };
    })();
    const entry = { value, at: now() };
    manifest = entry;
    value.catch((error: unknown) => {
      entry.at = -now(); // failed: retry after MANIFEST_RETRY_MS
      const e = isTruefansError(error) ? error : manifestError(`could not be fetched (${(error as Error).name})`);
      log(logLine(e));
    });
    return value;
  }

  let shellText: string | undefined;
  async function shell(origin: string): Promise<string> {
    if (shellText) return shellText;
    try {
      const response = await options.assets.fetch(SHELL_PATH, new Request(new URL(SHELL_PATH, origin), { headers: { accept: 'text/html' } }));
      const text = response.ok ? await response.text() : '';
      if (text.includes('%TRUEFANS_MAIN%')) return (shellText = text);
    } catch {
      // fall through to the built-in page
    }
    return fallbackShell();
  }

  let signInText: string | undefined;
  async function signInTemplate(origin: string): Promise<string | undefined> {
    if (signInText) return signInText;
    try {
      const response = await options.assets.fetch(SIGNIN_PAGE_PATH, new Request(new URL(SIGNIN_PAGE_PATH, origin), { headers: { accept: 'text/html' } }));
      const text = response.ok ? await response.text() : '';
      if (isSignInTemplate(text)) return (signInText = text);
    } catch {
      // the built-in view stands in
    }
    return undefined;
  }

  function buildApp(b: Base, m: LoadedManifest, origin: string): App {
    const siteOrigin = b.config.siteUrl ?? new URL(m.manifest.site.url).origin;
    if (!b.keyring.kids.includes(m.manifest.kid)) {
      log(logLine(new TruefansError(Errors.SealOpenFailed, { built: m.manifest.kid, has: b.keyring.kids })));
    }
    return {
      ...b,
      manifest: m.manifest,
      page: m.page,
      asset: m.asset,
      siteOrigin,
      site: { title: m.manifest.site.title, author: m.manifest.site.author, url: siteOrigin },
      rankedTiers: m.manifest.tiers.map((t) => t.id),
      offerIds: m.manifest.offers.map((o) => o.id),
      legacyTiers: legacyTiersOf(m.manifest.tiers),
      assets: options.assets,
      store: options.store,
      now,
      log,
      fetch: fetchImpl,
      shell: () => shell(origin),
      signInTemplate: () => signInTemplate(origin),
      feedChecks,
      buckets,
      claims,
      memo,
    };
  }

  // One App per loaded manifest (the configuration never changes within a handler).
  const apps = new WeakMap<LoadedManifest, App>();
  async function app(loaded: LoadedManifest, origin: string): Promise<App> {
    const b = await loadBase();
    let built = apps.get(loaded);
    if (!built) {
      built = buildApp(b, loaded, origin);
      apps.set(loaded, built);
    }
    return built;
  }

  return { log, manifest: loadManifest, app, shell };
}
