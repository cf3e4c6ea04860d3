// Serving a gated page: the fan who may read it gets the page with its sealed parts opened in place;
// anyone else gets the teaser exactly as built. Both answers vary on the cookie and stay out of shared
// caches; the opened one is never stored at all.

import { canAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { resolveFan } from '../fan.ts';
import { openGates } from '../gate/open-gates.ts';
import { clearFlash, readFlash } from '../http/flash.ts';
import { Errors } from '../errors.ts';
import { HttpProblem } from '../http/problem.ts';
import { PRIVATE, TEASER } from '../http/respond.ts';
import { tailorPage, type Reader } from '../pages/reader.ts';

/** A clean GET for a static file: no conditionals or ranges, so a teaser's 304 can never stand in for a member's page. */
export function staticRequest(ctx: Ctx, path: string): Request {
  const headers = new Headers();
  const accept = ctx.request.headers.get('accept');
  if (accept) headers.set('accept', accept);
  return new Request(new URL(path, ctx.url), { method: 'GET', headers });
}

const DROP = ['etag', 'last-modified', 'content-length', 'content-encoding', 'cache-control', 'expires', 'age', 'set-cookie'];

function headersFrom(source: Response, extra: Record<string, string>, cookies: readonly string[]): Headers {
  const headers = new Headers(source.headers);
  for (const name of DROP) headers.delete(name);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  for (const c of cookies) headers.append('set-cookie', c);
  return headers;
}

const NOTICE =
  '<p class="truefans-notice" role="status">This page could not be unlocked just now. You are seeing the preview; please try again later.</p>';

const notAllowed = () => new HttpProblem(Errors.MethodNotAllowed, undefined, { headers: { allow: 'GET, HEAD', ...TEASER } });

function withNotice(html: string): string {
  const body = /<body[^>]*>/i.exec(html);
  return body ? html.slice(0, body.index + body[0].length) + NOTICE + html.slice(body.index + body[0].length) : NOTICE + html;
}

export async function serveGatedPage(ctx: Ctx, pageKey: string): Promise<Response> {
  const { app, request } = ctx;
  if (request.method !== 'GET' && request.method !== 'HEAD') throw notAllowed();
  const fan = await resolveFan(ctx);
  if (fan.kind === 'unavailable') throw new HttpProblem(Errors.MembershipUnconfirmed, undefined, { headers: { 'retry-after': '120' } });

  const built = await ctx.page.fetch(pageKey, staticRequest(ctx, pageKey));
  const page = app.manifest.pages[pageKey]!;
  const readable = fan.kind === 'member' && page.access.some((a) => canAccess(a, fan.ent, app.rankedTiers));
  const body = (content: BodyInit | null) => (request.method === 'HEAD' ? null : content);
  // A visitor gets the file as built, streamed; a signed-in fan gets it tailored (header, paywall, banner).
  if (fan.kind !== 'member' || !built.ok) {
    return new Response(body(built.body), { status: built.status, headers: headersFrom(built, TEASER, fan.cookies) });
  }
  const flash = readFlash(request, ctx.url);
  const cookies = flash ? [...fan.cookies, clearFlash(ctx.url)] : fan.cookies;
  const reader: Reader = { signedIn: true, ent: fan.ent };
  const tailor = (html: string, withFlash: boolean) =>
    tailorPage(html, withFlash ? { ...reader, flash } : reader, { manifest: app.manifest, rankedTiers: app.rankedTiers, now: app.now(), gated: { access: page.access, returnTo: pageKey } });
  const type = built.headers.get('content-type') ?? 'text/html; charset=utf-8';
  // The banner is the only part that is not a pure function of the file and what the fan holds.
  const finish = async (bytes: Uint8Array<ArrayBuffer>, cache: Record<string, string>) =>
    new Response(body(flash ? new TextEncoder().encode(await tailorPage(new TextDecoder().decode(bytes), { ...reader, flash }, { manifest: app.manifest, rankedTiers: app.rankedTiers, now: app.now() })) : bytes), {
      status: 200,
      headers: headersFrom(built, { ...cache, 'content-type': type }, cookies),
    });

  // The page is a pure function of the built file and what the fan holds. When the static host names the
  // file's version (an ETag), an isolate that served this page to a fan holding the same things before
  // reuses the bytes; a new deploy has a new ETag.
  const etag = built.headers.get('etag');
  const ent = fan.ent;
  const memoKey = etag ? `${pageKey}\u0000${etag}\u0000${ent.tiers.join(',')}\u0000${ent.offers.join(',')}\u0000${ent.lapsed?.join(',') ?? ''}\u0000${ent.interval ?? ''}` : undefined;
  const known = memoKey ? app.memo.pages.get(memoKey) : undefined;
  if (known) {
    await built.body?.cancel();
    return finish(known.bytes, readable ? PRIVATE : TEASER);
  }

  const html = await built.text();
  let result: string;
  try {
    if (!readable) {
      result = await tailor(html, false);
    } else {
      const opened = await openGates(html, { keyring: app.keyring, ent: fan.ent, rankedTiers: app.rankedTiers, opened: app.memo.opened });
      if (!opened.ok) {
        const code = (opened.error as { code?: string }).code ?? Errors.GateMalformed.code;
        app.log(
          `truefans: ${code}: a sealed part of ${pageKey} (post "${opened.post ?? '?'}", tier "${opened.tier ?? '?'}") could not be opened; serving the preview. ` +
            'Rebuild the site with the TRUEFANS_SECRET the function uses (or set TRUEFANS_PREVIOUS_SECRET to the one it was built with).',
        );
        return new Response(body(withNotice(html)), { status: 200, headers: headersFrom(built, PRIVATE, fan.cookies) });
      }
      result = await tailor(opened.html, false);
    }
  } catch (error) {
    // Markup the tailoring does not understand: the page as built is still correct, only generic.
    app.log(`truefans: ${(error as { code?: string }).code ?? Errors.MarkupInvalid.code}: ${pageKey} could not be tailored for a member; serving it as built.`);
    if (readable) return new Response(body(withNotice(html)), { status: 200, headers: headersFrom(built, PRIVATE, fan.cookies) });
    return new Response(body(html), { status: 200, headers: headersFrom(built, TEASER, fan.cookies) });
  }
  const bytes = new TextEncoder().encode(result);
  if (memoKey) app.memo.pages.set(memoKey, { bytes, type }, memoKey.length + bytes.length);
  return finish(bytes, readable ? PRIVATE : TEASER);
}

/**
 * A public page that speaks to a signed-in fan (/membership/: their plan marked, "Switch" or "Rejoin"
 * instead of "Join"). Only requests with a session cookie come here; a visitor whose cookie turns out not
 * to be a session gets the file as built. Either answer is personal in principle, so never shared.
 */
export async function serveTailoredPage(ctx: Ctx, path: string): Promise<Response> {
  const { app, request } = ctx;
  if (request.method !== 'GET' && request.method !== 'HEAD') throw notAllowed();
  const fan = await resolveFan(ctx);
  const built = await ctx.page.fetch(path, staticRequest(ctx, path));
  const body = (content: BodyInit | null) => (request.method === 'HEAD' ? null : content);
  // Unavailable (Stripe down past the grace period): the page as built is still right, just generic.
  if (fan.kind !== 'member' || !built.ok) {
    return new Response(body(built.body), { status: built.status, headers: headersFrom(built, TEASER, fan.cookies) });
  }
  const html = await tailorPage(await built.text(), { signedIn: true, ent: fan.ent }, { manifest: app.manifest, rankedTiers: app.rankedTiers, now: app.now() });
  const type = built.headers.get('content-type') ?? 'text/html; charset=utf-8';
  return new Response(body(html), { status: 200, headers: headersFrom(built, { ...TEASER, 'content-type': type }, fan.cookies) });
}
