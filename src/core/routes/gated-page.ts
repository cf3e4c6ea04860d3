// Serving a gated page: the fan who may read it gets the page with its sealed parts opened in place;
// anyone else gets the teaser: the page as built without the sealed parts they may not read (ciphertext is
// of no use to them and does not compress), the paywall kept. Both answers vary on the cookie and stay
// out of shared caches; the opened one is never stored by a browser at all.
//
// Each answer is a pure function of the built file and what the reader holds (nothing of who they are),
// so from the second time it is made it carries a strong ETag made from those two, and the isolate keeps
// its bytes by them: the next fan holding the same things gets the same bytes, and the Node server keeps
// their compressed form by that ETag (src/adapters/node/compress.ts, which also says why compressing
// them is safe from BREACH).
// A teaser's tag and a member's differ (the holding is in it), so no 304 or cache entry of one can ever
// stand in for the other; the server answers no 304 for these private answers anyway (http-cache.ts).

import { canAccess, type Entitlements } from '../access.ts';
import type { App, Ctx } from '../context.ts';
import { toBase64Url, utf8 } from '../crypto/base64url.ts';
import { resolveFan, type Fan } from '../fan.ts';
import { openGates } from '../gate/open-gates.ts';
import { clearFlash, readFlash } from '../http/flash.ts';
import { Errors } from '../errors.ts';
import { HttpProblem } from '../http/problem.ts';
import { PRIVATE, TEASER } from '../http/respond.ts';
import { stringBytes } from '../memo.ts';
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

const NOTHING: Entitlements = { tiers: [], offers: [] };

/**
 * Everything about a reader the page can show: signed in or not, and what they hold. Never the session,
 * the customer or the email: two fans holding the same things get the same page, tag and memo entry.
 */
export function holdingOf(fan: Fan): string {
  if (fan.kind !== 'member') return 'visitor';
  const { tiers, offers, lapsed, interval } = fan.ent;
  return `member\u0000${tiers.join(',')}\u0000${offers.join(',')}\u0000${lapsed?.join(',') ?? ''}\u0000${interval ?? ''}`;
}

/** The strong ETag of a gated page as served: a digest of the file's version, the deploy and the holding. */
async function versionTag(app: App, pageKey: string, builtEtag: string, holding: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8.encode(JSON.stringify(['tf-page', pageKey, builtEtag, app.manifest.builtAt, holding])));
  return `"tf${toBase64Url(new Uint8Array(digest)).slice(0, 27)}"`;
}

type Made = { ok: true; html: string } | { ok: false; response: Response };

/** The page for this reader from the built HTML, or the fallback answer when it cannot be made. */
async function makePage(ctx: Ctx, html: string, fan: Fan, built: Response, pageKey: string, readable: boolean): Promise<Made> {
  const { app, request } = ctx;
  const page = app.page(pageKey)!;
  const body = (content: string) => (request.method === 'HEAD' ? null : content);
  const member = fan.kind === 'member';
  const asBuilt = (): Made => ({ ok: false, response: new Response(body(html), { status: 200, headers: headersFrom(built, TEASER, fan.cookies) }) });
  // Every sealed part this reader may not read is dropped: nothing is opened for a visitor.
  const opened = await openGates(
    html,
    { keyring: app.keyring, ent: member ? fan.ent : NOTHING, rankedTiers: app.rankedTiers, opened: app.memo.opened },
    { dropUnreadable: true },
  );
  if (!opened.ok) {
    const code = (opened.error as { code?: string }).code ?? Errors.GateMalformed.code;
    if (!readable) {
      // Markup the scanner does not understand: the page as built is still correct (its parts sealed), only generic.
      app.log(`truefans: ${code}: ${pageKey} could not be read for its sealed parts; serving it as built.`);
      return asBuilt();
    }
    app.log(
      `truefans: ${code}: a sealed part of ${pageKey} (post "${opened.post ?? '?'}", tier "${opened.tier ?? '?'}") could not be opened; serving the preview. ` +
        'Rebuild the site with the TRUEFANS_SECRET the function uses (or set TRUEFANS_PREVIOUS_SECRET to the one it was built with).',
    );
    return { ok: false, response: new Response(body(withNotice(html)), { status: 200, headers: headersFrom(built, PRIVATE, fan.cookies) }) };
  }
  // A visitor gets the page as built (less the sealed parts); a signed-in fan gets it tailored (header, paywall).
  if (!member) return { ok: true, html: opened.html };
  try {
    const reader: Reader = { signedIn: true, ent: fan.ent };
    return { ok: true, html: await tailorPage(opened.html, reader, { manifest: app.manifest, rankedTiers: app.rankedTiers, now: app.now(), gated: { access: page.access, returnTo: pageKey } }) };
  } catch (error) {
    // Markup the tailoring does not understand: the page as built is still correct, only generic.
    app.log(`truefans: ${(error as { code?: string }).code ?? Errors.MarkupInvalid.code}: ${pageKey} could not be tailored for a member; serving it as built.`);
    if (readable) return { ok: false, response: new Response(body(withNotice(html)), { status: 200, headers: headersFrom(built, PRIVATE, fan.cookies) }) };
    return asBuilt();
  }
}

/**
 * The remembered bytes as a body that copies them only if someone reads it: a Response made from the
 * bytes themselves copies them at once (the Fetch standard's BufferSource rule), which was a fifth of a
 * member's request at 100 KB, while a server holding the compressed form by ETag never reads this body.
 */
function copyWhenRead(bytes: Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        controller.enqueue(bytes.slice());
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

export async function serveGatedPage(ctx: Ctx, pageKey: string): Promise<Response> {
  const { app, request } = ctx;
  if (request.method !== 'GET' && request.method !== 'HEAD') throw notAllowed();
  const fan = await resolveFan(ctx);
  if (fan.kind === 'unavailable') throw new HttpProblem(Errors.MembershipUnconfirmed, undefined, { headers: { 'retry-after': '120' } });

  const built = await ctx.page.fetch(pageKey, staticRequest(ctx, pageKey));
  const body = (content: BodyInit | null) => (request.method === 'HEAD' ? null : content);
  if (!built.ok) {
    return new Response(body(built.body), { status: built.status, headers: headersFrom(built, TEASER, fan.cookies) });
  }
  const page = app.page(pageKey)!;
  const readable = fan.kind === 'member' && page.access.some((a) => canAccess(a, fan.ent, app.rankedTiers));
  const type = built.headers.get('content-type') ?? 'text/html; charset=utf-8';

  // When the static host names the file's version (an ETag), an isolate that served this page to a reader
  // holding the same things before reuses the bytes; a new deploy has new ETags.
  const builtEtag = built.headers.get('etag');
  const holding = holdingOf(fan);
  const memoKey = builtEtag ? `${pageKey}\u0000${builtEtag}\u0000${holding}` : undefined;
  let served = memoKey ? app.memo.pages.get(memoKey) : undefined;
  let fresh: string | undefined;
  if (served) {
    await built.body?.cancel();
  } else {
    const made = await makePage(ctx, await built.text(), fan, built, pageKey, readable);
    if (!made.ok) return made.response;
    fresh = made.html;
    // Kept, with its tag, from the second time it is made (Memo's admitOnSecondUse): most pages of a
    // large site are asked for once per isolate, and keeping each for a while is garbage the collector
    // pays for on every later request. The first answer is made for that request alone, untagged.
    if (builtEtag && app.memo.pages.note(memoKey!)) {
      served = { bytes: utf8.encode(made.html), type, etag: await versionTag(app, pageKey, builtEtag, holding) };
      app.memo.pages.set(memoKey!, served, served.bytes.byteLength + stringBytes(served.etag));
    }
  }

  const cache = readable ? PRIVATE : TEASER;
  // The one-time banner is the only part that is not a pure function of the file and the holding: a page
  // with it has no ETag and is made afresh.
  const flash = fan.kind === 'member' ? readFlash(request, ctx.url) : undefined;
  if (flash) {
    const html = await tailorPage(fresh ?? utf8.decode(served!.bytes), { signedIn: true, ent: (fan as Extract<Fan, { kind: 'member' }>).ent, flash }, { manifest: app.manifest, rankedTiers: app.rankedTiers, now: app.now() });
    return new Response(body(html), { status: 200, headers: headersFrom(built, { ...cache, 'content-type': type }, [...fan.cookies, clearFlash(ctx.url)]) });
  }
  // A page made for this request alone (its first time, or a host that sends no ETag): encoded once.
  if (!served) return new Response(body(fresh!), { status: 200, headers: headersFrom(built, { ...cache, 'content-type': type }, fan.cookies) });
  return new Response(body(copyWhenRead(served.bytes)), {
    status: 200,
    headers: headersFrom(built, { ...cache, 'content-type': type, 'content-length': String(served.bytes.byteLength), etag: served.etag }, fan.cookies),
  });
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
