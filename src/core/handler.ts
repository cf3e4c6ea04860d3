// The edge function: one Web-standard request handler for every platform. It routes the function's own
// paths (/_truefans/...), serves gated pages through the gate, and passes every other path to the static
// files untouched. Booting (boot.ts) parses the configuration once, on the first request that needs it; a
// misconfiguration answers a clear 503 page and one log line per problem. Errors become responses in one
// place (http/error-response.ts), and nothing here ever answers 500 or shows a stack trace.

import type { Ctx } from './context.ts';
import { createBoot } from './boot.ts';
import { Errors } from './errors.ts';
import { canonicalPath } from './http/canonical-path.ts';
import { readCookie, SESSION_COOKIE } from './http/cookies.ts';
import { withMemberHint } from './http/member-hint.ts';
import { isSameOrigin } from './http/origin.ts';
import { errorResponse } from './http/error-response.ts';
import { HttpProblem } from './http/problem.ts';
import { PRIVATE } from './http/respond.ts';
import { withSecurityHeaders } from './http/security-headers.ts';
import { TAILORED_PAGES } from './paths.ts';
import type { Handler, HandlerOptions, RequestContext } from './ports.ts';
import { findRoute } from './router.ts';
import { serveGatedPage, serveTailoredPage } from './routes/gated-page.ts';

const NOT_CONFIGURED = new HttpProblem(Errors.NotConfigured);

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
      throw new HttpProblem(Errors.MethodNotAllowed, undefined, { headers: { allow, ...PRIVATE } });
    }
    if (method === 'POST' && fn!.checkOrigin && !isSameOrigin(request, url, app.siteOrigin, app.config.siteUrl !== undefined)) {
      throw new HttpProblem(Errors.CrossSite);
    }
    return withMemberHint(await handler(ctx), url, app.manifest);
  }

  return async function handle(request: Request, context?: RequestContext): Promise<Response> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return errorResponse(new HttpProblem(Errors.BadRequest), { path: '', log, shell: () => boot.shell('') });
    }
    let response: Response;
    try {
      response = await route(request, url, context);
    } catch (error) {
      try {
        response = await errorResponse(error, { path: url.pathname, log, shell: () => boot.shell(url.origin) });
      } catch {
        const headers = { 'content-type': 'text/plain; charset=utf-8', ...PRIVATE };
        response = await errorResponse(new HttpProblem(Errors.ShellFailed, undefined, { headers }), { path: url.pathname, log, shell: () => Promise.reject(new Error('no shell')) });
      }
    }
    // Every answer, static files passed through included, carries the one set of security headers.
    return withSecurityHeaders(response, url);
  };
}
