// The edge function: one Web-standard request handler for every platform. It routes the function's own
// paths (/_truefans/...), serves gated pages through the gate, and passes every other path to the static
// files untouched. Configuration is parsed once, on the first request that needs it; a misconfiguration
// answers a clear 503 page and one log line per problem. Errors become responses in one place
// (`toResponse`), and nothing here ever answers 500 or shows a stack trace.

import type Stripe from 'stripe';
import { pageIndex, type App, type Ctx } from './app.ts';
import { createLocalClaims } from './claims.ts';
import { createBuckets } from './rate-limit.ts';
import { createKeyring, type Keyring } from './crypto/keys.ts';
import { createMailer } from './email/mailer.ts';
import { Memo } from './memo.ts';
import { parseEnv, type EdgeConfig } from './env.ts';
import { ErrorCodes, TruefansError, isTruefansError } from './errors.ts';
import { canonicalPath } from './http/canonical-path.ts';
import { withMemberHint } from './http/member-hint.ts';
import { isSameOrigin } from './http/origin.ts';
import { HttpProblem } from './http/problem.ts';
import { page, PRIVATE } from './http/respond.ts';
import { withSecurityHeaders } from './http/security-headers.ts';
import { ASSET_ROUTE, MANIFEST_PATH, manifestSchema, type Manifest } from './manifest.ts';
import { fallbackShell, SHELL_PATH } from './pages/shell.ts';
import { isSignInTemplate, SIGNIN_PAGE_PATH } from './pages/signin-page.ts';
import { problemView, ROUTES } from './pages/views.ts';
import type { Handler, HandlerOptions, Mailer, RequestContext } from './ports.ts';
import { accountPage, openPortal, resetFeed, signedOutPage, signOut } from './routes/account.ts';
import { serveAsset } from './routes/asset.ts';
import { completeCheckout, startCheckout } from './routes/checkout.ts';
import { serveFeed } from './routes/feed.ts';
import { serveGatedPage, serveTailoredPage } from './routes/gated-page.ts';
import { readCookie, SESSION_COOKIE } from './http/cookies.ts';
import { changePlan, planChanged } from './routes/plan.ts';
import { confirmSignIn, requestSignIn, showConfirm, signInPage } from './routes/signin.ts';
import { receiveWebhook } from './routes/webhook.ts';
import { createStripe } from './stripe/client.ts';

type RouteFn = (ctx: Ctx) => Promise<Response> | Response;

interface Route {
  GET?: RouteFn;
  POST?: RouteFn;
  /** State-changing POSTs check Origin; the webhook is signed instead. */
  checkOrigin?: boolean;
}

const EXACT: Record<string, Route> = {
  [ROUTES.checkout]: { POST: startCheckout, checkOrigin: true },
  [ROUTES.checkoutComplete]: { GET: completeCheckout },
  [ROUTES.signIn]: { GET: signInPage, POST: requestSignIn, checkOrigin: true },
  [ROUTES.signInConfirm]: { GET: showConfirm, POST: confirmSignIn, checkOrigin: true },
  [ROUTES.signOut]: { GET: signedOutPage, POST: signOut, checkOrigin: true },
  [ROUTES.portal]: { POST: openPortal, checkOrigin: true },
  [ROUTES.account]: { GET: accountPage },
  [ROUTES.plan]: { POST: changePlan, checkOrigin: true },
  [ROUTES.planDone]: { GET: planChanged },
  [ROUTES.feedReset]: { POST: resetFeed, checkOrigin: true },
  [ROUTES.webhook]: { POST: receiveWebhook },
};

/**
 * The paths the function must see, for adapters that route only some paths to it (Netlify's config, a
 * Vercel matcher): its own routes, then every gated page from the manifest. Variants of a gated path
 * that a CDN serves statically can only ever reach the sealed preview, never plaintext.
 */
export function functionPaths(manifest: Manifest): string[] {
  return [...Object.keys(EXACT), `${ROUTES.feed}*`, `${ASSET_ROUTE}/*`, ...TAILORED_PAGES, ...Object.keys(manifest.pages)];
}

/**
 * Public pages that speak to a signed-in fan (their current plan marked, "Switch" instead of "Join"), so the
 * function answers them; a visitor without a session cookie gets the static file untouched (cacheable).
 */
export const TAILORED_PAGES: readonly string[] = ['/membership/'];

const hasSessionCookie = (request: Request, url: URL) => readCookie(request, SESSION_COOKIE, url) !== undefined;

function findRoute(path: string): Route | undefined {
  const exact = EXACT[path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path];
  if (exact) return exact;
  if (path.startsWith(ROUTES.feed) && path.length > ROUTES.feed.length) return { GET: serveFeed };
  if (path.startsWith(`${ASSET_ROUTE}/`)) return { GET: serveAsset };
  return undefined;
}

/** The parts built from the environment: cached for the life of the handler, failure included. */
interface Base {
  config: EdgeConfig;
  keyring: Keyring;
  stripe: Stripe;
  mailer: Mailer | undefined;
}

interface LoadedManifest {
  manifest: Manifest;
  index: Map<string, string>;
}

/** A failed manifest load is retried after this long (a deploy may be mid-flight). */
const MANIFEST_RETRY_MS = 30_000;

function manifestError(detail: string): TruefansError {
  return new TruefansError(ErrorCodes.MANIFEST_INVALID, `${MANIFEST_PATH} ${detail}.`, 'Rebuild the site with `npm run build` and deploy the whole dist/ folder.');
}

const NOT_CONFIGURED = new HttpProblem(
  503,
  'This site is not set up yet',
  'Members-only pages, sign-in and checkout are unavailable until the site owner finishes the configuration. Please try again later. (Site owner: the function\'s log names the setting to fix.)',
  { headers: { 'retry-after': '300' } },
);

export function createHandler(options: HandlerOptions): Handler {
  const log = options.log ?? ((line: string) => console.error(line));
  const now = options.now ?? (() => Date.now());
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const feedChecks: App['feedChecks'] = new Memo(5_000);
  const claims = createLocalClaims();
  const buckets = createBuckets();
  // Verifying a cookie and opening a sealed part each cost a trip to WebCrypto's thread pool, and opening
  // a page costs a decode, a scan and an encode; an isolate serving the same fans and pages again
  // remembers the results (keyed by the exact token, envelope, or file version), within 24 MB.
  const memo: App['memo'] = { sessions: new Memo(10_000), opened: new Memo(2_000, 8 * 1024 * 1024), pages: new Memo(2_000, 16 * 1024 * 1024) };

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
      return { config, keyring, stripe: createStripe(config, fetchImpl), mailer: createMailer(config.email, fetchImpl) };
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
      const parsed = manifestSchema.safeParse(json);
      if (!parsed.success) {
        const first = parsed.error.issues[0]!;
        throw manifestError(`does not match this version of truefans (${first.path.join('.') || 'top level'}: ${first.message})`);
      }
      return { manifest: parsed.data, index: pageIndex(parsed.data) };
    })();
    const entry = { value, at: now() };
    manifest = entry;
    value.catch((error: unknown) => {
      entry.at = -now(); // failed: retry after MANIFEST_RETRY_MS
      const e = isTruefansError(error) ? error : manifestError(`could not be fetched (${(error as Error).name})`);
      log(`truefans: ${e.code}: ${e.describe().replace(/\n/g, ' ')}`);
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

  // One App per loaded manifest (the configuration never changes within a handler).
  const apps = new WeakMap<LoadedManifest, App>();
  function appFor(b: Base, m: LoadedManifest, origin: string): App {
    let app = apps.get(m);
    if (!app) {
      app = buildApp(b, m, origin);
      apps.set(m, app);
    }
    return app;
  }

  function buildApp(b: Base, m: LoadedManifest, origin: string): App {
    const siteOrigin = b.config.siteUrl ?? new URL(m.manifest.site.url).origin;
    if (!b.keyring.kids.includes(m.manifest.kid)) {
      log(
        `truefans: ${ErrorCodes.SEAL_OPEN_FAILED}: the site was built with a TRUEFANS_SECRET whose key id is ${m.manifest.kid}, but the function's secrets have ${b.keyring.kids.join(', ')}. ` +
          'Members will see previews only until you rebuild with the same TRUEFANS_SECRET (or set TRUEFANS_PREVIOUS_SECRET to the one the build used).',
      );
    }
    return {
      ...b,
      manifest: m.manifest,
      siteOrigin,
      site: { title: m.manifest.site.title, author: m.manifest.site.author, url: siteOrigin },
      rankedTiers: m.manifest.tiers.map((t) => t.id),
      offerIds: m.manifest.offers.map((o) => o.id),
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

  async function route(request: Request, url: URL, context: RequestContext | undefined): Promise<Response> {
    const path = url.pathname;
    const fn = findRoute(path);
    let loaded: LoadedManifest;
    try {
      loaded = await loadManifest(url.origin);
    } catch (error) {
      // Without the manifest no path can be known as gated; static files hold only sealed text, so
      // passing them through reveals nothing. The function's own routes cannot work.
      if (!fn) return options.assets.fetch(path, request);
      throw NOT_CONFIGURED;
    }
    const pageKey = fn ? undefined : loaded.index.get(canonicalPath(path));
    const tailored = !fn && pageKey === undefined && TAILORED_PAGES.includes(canonicalPath(path)) && hasSessionCookie(request, url);
    if (!fn && pageKey === undefined && !tailored) return options.assets.fetch(path, request);

    let b: Base;
    try {
      b = await loadBase();
    } catch {
      throw NOT_CONFIGURED;
    }
    const app = appFor(b, loaded, url.origin);
    const ctx: Ctx = {
      request,
      url,
      app,
      ...(context?.clientIp ? { clientIp: context.clientIp } : {}),
      async background(work) {
        if (context?.waitUntil) context.waitUntil(work.catch(() => undefined));
        else await work.catch(() => undefined);
      },
    };
    if (pageKey !== undefined) return withMemberHint(await serveGatedPage(ctx, pageKey), url, app.manifest);
    if (tailored) return withMemberHint(await serveTailoredPage(ctx, canonicalPath(path)), url, app.manifest);

    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const handler = method === 'GET' ? fn!.GET : method === 'POST' ? fn!.POST : undefined;
    if (!handler) {
      const allow = [fn!.GET ? 'GET, HEAD' : '', fn!.POST ? 'POST' : ''].filter(Boolean).join(', ');
      return new Response('Method not allowed', { status: 405, headers: { allow, ...PRIVATE } });
    }
    if (method === 'POST' && fn!.checkOrigin && !isSameOrigin(request, url, app.siteOrigin, app.config.siteUrl !== undefined)) {
      throw new HttpProblem(403, 'This request came from another site', 'For your safety, this form only works from this site\'s own pages. Go back to the site and try again.');
    }
    return withMemberHint(await handler(ctx), url, app.manifest);
  }

  /** The one place errors become responses. */
  async function toResponse(error: unknown, url: URL): Promise<Response> {
    let problem: HttpProblem;
    if (error instanceof HttpProblem) {
      problem = error;
    } else if (isTruefansError(error, ErrorCodes.STRIPE_PRICE_MISSING)) {
      log(`truefans: ${error.code}: ${error.describe().replace(/\n/g, ' ')}`);
      problem = new HttpProblem(503, 'This is not for sale yet', 'The site owner has not finished setting up payments for this: they need to run `npm run stripe:sync`. Please try again later.');
    } else if (isTruefansError(error, ErrorCodes.STRIPE_UNAVAILABLE) || isTruefansError(error, ErrorCodes.STRIPE_REFUSED)) {
      log(`truefans: ${error.code}: ${error.describe().replace(/\n/g, ' ')}`);
      problem = new HttpProblem(503, 'Payments are unavailable right now', 'The payment service this site uses did not answer as expected. Nothing was charged by this request. Please try again in a few minutes.', { headers: { 'retry-after': '60' } });
    } else {
      const e = error as { name?: string; code?: string; message?: string };
      log(`truefans: unexpected ${e?.code ?? e?.name ?? 'error'} on ${url.pathname}: ${String(e?.message ?? error).split('\n')[0]}`);
      problem = new HttpProblem(503, 'Something went wrong on our side', 'This page could not be served just now. Please try again in a few minutes.');
    }
    const view = problemView(problem.title, problem.message, problem.options);
    return page(await shell(url.origin), view, problem.status, { headers: problem.options.headers ?? {}, cookies: problem.options.cookies ?? [] });
  }

  return async function handle(request: Request, context?: RequestContext): Promise<Response> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return new Response('Bad request', { status: 400 });
    }
    let response: Response;
    try {
      response = await route(request, url, context);
    } catch (error) {
      try {
        response = await toResponse(error, url);
      } catch {
        response = new Response('Service unavailable. Please try again later.', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8', ...PRIVATE } });
      }
    }
    // Every answer, static files passed through included, carries the one set of security headers.
    return withSecurityHeaders(response, url);
  };
}
