// The edge function: one Web-standard request handler for every platform. It routes the function's own
// paths (/_truefans/...), serves gated pages through the gate, and passes every other path to the static
// files untouched. Booting (boot.ts) parses the configuration once, on the first request that needs it; a
// misconfiguration answers a clear 503 page and one log line per problem. Errors become responses in one
// place (`toResponse`), and nothing here ever answers 500 or shows a stack trace.

import type { Ctx } from './context.ts';
import { createBoot } from './boot.ts';
import { ErrorCodes, isTruefansError } from './errors.ts';
import { canonicalPath } from './http/canonical-path.ts';
import { readCookie, SESSION_COOKIE } from './http/cookies.ts';
import { withMemberHint } from './http/member-hint.ts';
import { isSameOrigin } from './http/origin.ts';
import { HttpProblem } from './http/problem.ts';
import { page, PRIVATE } from './http/respond.ts';
import { withSecurityHeaders } from './http/security-headers.ts';
import { problemView } from './pages/views.ts';
import { TAILORED_PAGES } from './paths.ts';
import type { Handler, HandlerOptions, RequestContext } from './ports.ts';
import { findRoute } from './router.ts';
import { serveGatedPage, serveTailoredPage } from './routes/gated-page.ts';

const NOT_CONFIGURED = new HttpProblem(
  503,
  'This site is not set up yet',
  'Members-only pages, sign-in and checkout are unavailable until the site owner finishes the configuration. Please try again later. (Site owner: the function\'s log names the setting to fix.)',
  { headers: { 'retry-after': '300' } },
);

const hasSessionCookie = (request: Request, url: URL) => readCookie(request, SESSION_COOKIE, url) !== undefined;

export function createHandler(options: HandlerOptions): Handler {
  const boot = createBoot(options);
  const { log } = boot;

  async function route(request: Request, url: URL, context: RequestContext | undefined): Promise<Response> {
    const path = url.pathname;
    const fn = findRoute(path);
    const page = context?.page ?? options.assets;
    let loaded;
    try {
      loaded = await boot.manifest(url.origin);
    } catch {
      // Without the manifest no path can be known as gated; static files hold only sealed text, so
      // passing them through reveals nothing. The function's own routes cannot work.
      if (!fn) return page.fetch(path, request);
      throw NOT_CONFIGURED;
    }
    const pageKey = fn ? undefined : loaded.index.get(canonicalPath(path));
    const tailored = !fn && pageKey === undefined && TAILORED_PAGES.includes(canonicalPath(path)) && hasSessionCookie(request, url);
    if (!fn && pageKey === undefined && !tailored) return page.fetch(path, request);

    const app = await boot.app(loaded, url.origin).catch(() => {
      throw NOT_CONFIGURED;
    });
    const ctx: Ctx = {
      request,
      url,
      app,
      page,
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
    return page(await boot.shell(url.origin), view, problem.status, { headers: problem.options.headers ?? {}, cookies: problem.options.cookies ?? [] });
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
