// SCAFFOLDING until the real Astro build seals: a small dist/ assembled by hand with the real sealing, in
// the shape the build writes (a public page, a gated page with its sealed part, the manifest, a sealed
// asset, a 404 page).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createKeyring } from '../../../src/core/crypto/keys.ts';
import { sealBytes, sealText } from '../../../src/core/crypto/seal.ts';
import type { Manifest } from '../../../src/core/manifest.ts';

export const CANARY = 'CANARY-members-only-7f3a9c';

export async function writeFixtureDist(dist: string, secret: string): Promise<void> {
  const keys = await createKeyring(secret);
  const sealed = await sealText(keys, { kind: 'content', post: 'gated', tier: 'members' }, `<p>${CANARY}</p>`);
  const files: Record<string, string | Uint8Array> = {
    'index.html': '<!doctype html><title>Home</title><p>Welcome to the public home page.</p>',
    'posts/public/index.html': '<!doctype html><title>Public</title><p>A public post.</p>',
    'posts/gated/index.html': `<!doctype html><title>Gated</title><p>The teaser.</p><template data-truefans-sealed="members">${sealed}</template>`,
    '404.html': '<!doctype html><title>Not found</title><p>That page is not here.</p>',
    '_astro/site.abc123.css': 'body{margin:0}',
    '_truefans/sealed/asset1.bin': await sealBytes(keys, { kind: 'asset', id: 'asset1', tier: 'members' }, new TextEncoder().encode(CANARY)),
  };
  const manifest: Manifest = {
    version: 1,
    kid: keys.kid,
    builtAt: '2026-01-01T00:00:00.000Z',
    site: { title: 'Fixture', url: 'https://fixture.example', author: 'Mira', language: 'en', currency: 'usd', thankYou: 'Thanks!', fanGoal: 1000 },
    tiers: [{ id: 'supporter', name: 'Supporter', monthly: 500 }],
    offers: [],
    payWhatYouWant: null,
    pages: { '/posts/gated/': { post: 'gated', title: 'Gated', access: ['members'] } },
    assets: { asset1: { access: 'members', type: 'image/png', name: 'cover.png', post: 'gated' } },
  };
  files['_truefans/manifest.json'] = JSON.stringify(manifest);
  for (const [name, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dist, name)), { recursive: true });
    await writeFile(path.join(dist, name), body);
  }
}
