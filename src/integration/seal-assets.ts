// The sealing pass's second step: seal each file used only inside gates (for the lowest tier that uses it)
// and each offer's download into sealed blobs under the asset folder, remove the plain files, and say where
// the gates must now point. The plain bytes go into the leak index.

import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { lowestAccess } from '../core/access.ts';
import { toBase64Url } from '../core/crypto/base64url.ts';
import { sealBytes } from '../core/crypto/seal.ts';
import type { Manifest } from '../core/manifest.ts';
import { toMinorUnits } from '../core/money.ts';
import { ASSET_ROUTE, SEALED_ASSET_DIR } from '../core/paths.ts';
import type { AssetUse } from './collect-gates.ts';
import { contentTypeOf } from './output-files.ts';
import type { SealContext } from './seal-context.ts';

export interface SealedAssets {
  assets: Manifest['assets'];
  offers: Manifest['offers'];
  /** A sealed file's URL path -> its asset route. */
  rewrites: Map<string, string>;
}

function assetIdFor(key: Buffer, subject: string): string {
  return toBase64Url(createHmac('sha256', key).update(subject).digest().subarray(0, 16));
}

export async function sealAssets(ctx: SealContext, sealedFiles: Map<string, AssetUse>): Promise<SealedAssets> {
  const { dir, keyring, site, leaks } = ctx;
  const tierIds = site.tiers.map((t) => t.id);
  const assets: Manifest['assets'] = {};
  const idKey = Buffer.from(await keyring.rawKey('asset-id'));
  const rewrites = new Map<string, string>();
  mkdirSync(join(dir, SEALED_ASSET_DIR), { recursive: true });
  const sealAsset = async (id: string, access: string, name: string, post: string | null, bytes: Uint8Array<ArrayBuffer>) => {
    const sealed = await sealBytes(keyring, { kind: 'asset', id, tier: access }, bytes);
    writeFileSync(join(dir, SEALED_ASSET_DIR, `${id}.bin`), sealed);
    assets[id] = { access, type: contentTypeOf(name), name, post };
    leaks.addAsset(post ?? 'offer', name, bytes);
  };
  for (const [ref, use] of sealedFiles) {
    const target = decodeURI(ref).slice(1);
    const bytes = new Uint8Array(readFileSync(join(dir, target)));
    const id = assetIdFor(idKey, `file:${ref}`);
    const name = basename(target);
    await sealAsset(id, lowestAccess([...use.tiers], tierIds), name, use.posts.size === 1 ? [...use.posts][0]! : null, bytes);
    rmSync(join(dir, target));
    rewrites.set(ref, `${ASSET_ROUTE}/${id}/${encodeURIComponent(name)}`);
  }

  const offers: Manifest['offers'] = [];
  for (const offer of site.offers) {
    let asset: string | undefined;
    if (offer.file) {
      const name = basename(offer.file);
      asset = assetIdFor(idKey, `offer:${offer.id}:${offer.file}`);
      await sealAsset(asset, `offer:${offer.id}`, name, null, new Uint8Array(readFileSync(join(ctx.contentDir, offer.file))));
    }
    offers.push({ id: offer.id, name: offer.name, price: toMinorUnits(offer.price, site.currency), ...(asset ? { asset } : {}) });
  }
  return { assets, offers, rewrites };
}
