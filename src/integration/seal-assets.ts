// The sealing pass's second step: seal each file used only inside gates (for the lowest tier that uses it)
// and each offer's download into sealed blobs under the asset folder, remove the plain files, and say where
// the gates must now point. The plain bytes go into the leak index. Audio and video are sealed in chunks,
// so the function can serve any byte range of them.

import { createHmac } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { lowestAccess } from '../core/access.ts';
import { toBase64Url } from '../core/crypto/base64url.ts';
import { sealBytes } from '../core/crypto/seal.ts';
import { sealMedia } from '../core/crypto/media.ts';
import { MEDIA_PART_BYTES, mediaPartPath } from '../core/media/parts.ts';
import { isMediaType } from '../core/media/types.ts';
import { mediaFacts } from '../config/media-facts.ts';
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

/** Writes a sealed recording's bytes, in order, into the files of its parts (core/media/parts.ts). */
export function mediaPartWriter(dir: string, id: string): { write(bytes: Uint8Array): void; close(): void } {
  let part = 0;
  let fd = openSync(join(dir, mediaPartPath(id, 0)), 'w');
  let room = MEDIA_PART_BYTES;
  return {
    write(bytes) {
      for (let at = 0; at < bytes.length; ) {
        if (room === 0) {
          closeSync(fd);
          fd = openSync(join(dir, mediaPartPath(id, ++part)), 'w');
          room = MEDIA_PART_BYTES;
        }
        const n = Math.min(room, bytes.length - at);
        writeSync(fd, bytes, at, n);
        at += n;
        room -= n;
      }
    },
    close: () => closeSync(fd),
  };
}

/**
 * A recording, sealed in chunks (core/crypto/media.ts) straight from the file to the blob: the build holds
 * a chunk or two of it, whatever its size. Each chunk's plaintext feeds the leak index's fingerprints.
 */
async function sealRecording(ctx: SealContext, file: string, a: { id: string; access: string; name: string; post: string | null }): Promise<Manifest['assets'][string]> {
  const type = contentTypeOf(a.name);
  const size = statSync(file).size;
  const seconds = (await mediaFacts(file)).seconds;
  const fingerprints = ctx.leaks.mediaFingerprints(a.post ?? 'offer', a.name, size);
  const input = openSync(file, 'r');
  const output = mediaPartWriter(ctx.dir, a.id);
  try {
    const read = (offset: number, length: number) => {
      const chunk = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const n = readSync(input, chunk, got, length - got, offset + got);
        if (n === 0) throw new Error(`${file} changed while it was sealed`);
        got += n;
      }
      fingerprints.add(chunk, offset);
      return chunk;
    };
    for await (const part of sealMedia(ctx.keyring, { kind: 'asset', id: a.id, tier: a.access }, { length: size, type, read })) output.write(part);
  } finally {
    closeSync(input);
    output.close();
  }
  fingerprints.done();
  return { access: a.access, type, name: a.name, post: a.post, media: { size, ...(seconds !== undefined ? { seconds } : {}) } };
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
    const id = assetIdFor(idKey, `file:${ref}`);
    const name = basename(target);
    const access = lowestAccess([...use.tiers], tierIds);
    const post = use.posts.size === 1 ? [...use.posts][0]! : null;
    if (isMediaType(contentTypeOf(name))) {
      assets[id] = await sealRecording(ctx, join(dir, target), { id, access, name, post });
    } else {
      await sealAsset(id, access, name, post, new Uint8Array(readFileSync(join(dir, target))));
    }
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
