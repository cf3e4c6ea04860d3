// Sealed images and downloads: `${ASSET_ROUTE}/<id>/<name>` opens `${SEALED_ASSET_DIR}/<id>.bin` for a fan
// whose cookie (or private feed token, for podcast apps, or a post email's image token) covers the asset's
// access value.

import { canAccess, type Entitlements } from '../access.ts';
import type { Ctx } from '../context.ts';
import { openBytes } from '../crypto/seal.ts';
import { resolveFan } from '../fan.ts';
import { Errors } from '../errors.ts';
import { HttpProblem } from '../http/problem.ts';
import { PRIVATE } from '../http/respond.ts';
import { feedEntitlements } from './feed.ts';
import { serveMedia } from './media.ts';
import { staticRequest } from './gated-page.ts';
import { verifyFeedToken } from '../tokens/feed.ts';
import { EMAIL_ASSET_PARAM, verifyEmailAssetToken } from '../tokens/email-asset.ts';
import { ASSET_ROUTE, SEALED_ASSET_DIR } from '../paths.ts';

/** Types a browser could run as a page in our origin are always downloaded, never shown inline. */
const INLINE = /^(image\/(png|jpeg|gif|webp|avif)|audio\/|video\/|application\/pdf$|text\/plain)/;

export async function serveAsset(ctx: Ctx): Promise<Response> {
  const { app, url, request } = ctx;
  const rest = url.pathname.slice(ASSET_ROUTE.length + 1).split('/');
  let name = '';
  try {
    name = decodeURIComponent(rest.slice(1).join('/'));
  } catch {
    // an undecodable name matches no asset
  }
  const id = rest[0] ?? '';
  const asset = app.asset(id);
  if (!asset || asset.name !== name) throw new HttpProblem(Errors.FileNotFound);

  let ent: Entitlements | undefined;
  const cookies: string[] = [];
  const feedToken = url.searchParams.get('feed');
  const emailToken = url.searchParams.get(EMAIL_ASSET_PARAM);
  if (emailToken !== null) {
    // An image in a post email: mail clients send no cookie, so the token alone says which tier the email
    // was rendered for, for this asset's path only, until it expires (src/core/tokens/email-asset.ts).
    const v = await verifyEmailAssetToken(app.keyring, emailToken, url.pathname, app.now());
    if (v) ent = { tiers: [v.tier], offers: [] };
  } else if (feedToken) {
    const v = await verifyFeedToken(app.keyring, app.siteOrigin, feedToken, app.now());
    if (v.ok) ent = await feedEntitlements(ctx, v.owner, v.gen);
  } else {
    const fan = await resolveFan(ctx);
    cookies.push(...fan.cookies);
    if (fan.kind === 'unavailable') throw new HttpProblem(Errors.MembershipUnconfirmed, undefined, { cookies });
    if (fan.kind === 'member') ent = fan.ent;
  }
  if (!ent || !canAccess(asset.access, ent, app.rankedTiers)) {
    throw new HttpProblem(Errors.FileMembersOnly, undefined, { signIn: true, cookies });
  }

  if (asset.media) return serveMedia(ctx, id, asset, cookies);

  const blobPath = `${SEALED_ASSET_DIR}/${id}.bin`;
  const blob = await app.assets.fetch(blobPath, staticRequest(ctx, blobPath));
  if (!blob.ok) {
    throw new HttpProblem(Errors.SealedFileMissing, { path: blobPath, asset: asset.name, httpStatus: blob.status }, { cookies });
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await openBytes(app.keyring, { kind: 'asset', id, tier: asset.access }, new Uint8Array(await blob.arrayBuffer()));
  } catch (error) {
    throw new HttpProblem(Errors.SealedFileUnreadable, { asset: asset.name, cause: (error as { code?: string }).code ?? 'error' }, { cookies });
  }
  const headers = new Headers({
    ...PRIVATE,
    'content-type': asset.type,
    'content-length': String(bytes.length),
    'content-disposition': `${INLINE.test(asset.type) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(asset.name)}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'referrer-policy': 'no-referrer',
  });
  for (const c of cookies) headers.append('set-cookie', c);
  return new Response(request.method === 'HEAD' ? null : bytes, { status: 200, headers });
}
