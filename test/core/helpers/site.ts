// A small fixture deploy ("dist") written to a temp dir: a manifest, gated pages whose members-only parts
// are sealed with the real sealText, a sealed asset, the feed template and the page shell. Each
// members-only text carries a marker that denial tests look for in response bodies.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createKeyring } from '../../../src/core/crypto/keys.ts';
import { sealBytes, sealText } from '../../../src/core/crypto/seal.ts';
import type { Manifest } from '../../../src/core/manifest.ts';
import { sealedGate } from '../../../src/core/gate/contract.ts';
import { createDistAssets } from '../../../src/adapters/node/static-files.ts';
import type { AssetFetcher } from '../../../src/core/ports.ts';

export const SECRET = 'k3J9vQxW2mZpL8rT5yN1bH6cF4dS7gA0eU2iO9wE3qR';
export const OTHER_SECRET = 'Zx8Cv7Bn6Mm5Ll4Kk3Jj2Hh1Gg0Ff9Dd8Ss7Aa6Qq5W';

/** Members-only markers: none may ever appear in a denied response. */
export const SECRET_TEXT = {
  members: 'MEMBERS-ONLY-SETLIST-7Q',
  patron: 'PATRON-ONLY-DEMO-9Z',
  offer: 'OFFER-ONLY-LINER-3X',
  asset: 'ASSET-BYTES-ZIP-5K',
} as const;

export const ALL_SECRETS = Object.values(SECRET_TEXT);

export function expectNoSecrets(body: string): void {
  for (const marker of ALL_SECRETS) {
    if (body.includes(marker)) throw new Error(`members-only text ${marker} leaked into a denied response`);
  }
}

export const TEASER_TEXT = 'The tour starts in the north';

/** The build's own markup for a sealed part. */
const gate = sealedGate;

function locked(tier: string): string {
  return `<truefans-locked data-tier="${tier}" data-paywall="post"><div class="paywall"><p>This part is for ${tier}.</p><form method="post" action="/_truefans/checkout"><input type="hidden" name="tier" value="supporter"></form></div></truefans-locked>`;
}

/** The header's member links as the build marks them, for the function to rewrite for signed-in fans. */
export const MEMBER_NAV =
  '<truefans-member-nav><nav class="member-nav" aria-label="Members"><ul><li><a href="/signin/">Sign in</a></li><li><a href="/_truefans/account">Your membership</a></li><li><a href="/membership/">Join</a></li></ul></nav></truefans-member-nav>';

/** /signin/ as src/pages/signin.astro builds it: a note slot and one form returning home. */
export const SIGNIN_MAIN =
  '<h1>Sign in</h1><p class="lede">Already a member? Enter the email address you joined with.</p><truefans-signin-note></truefans-signin-note>' +
  '<form class="signin-form" method="post" action="/_truefans/signin"><input type="hidden" name="return_to" value="/"><label for="signin-email">Email address</label><input id="signin-email" name="email" type="email" required><button class="button" type="submit">Email me a sign-in link</button></form>';

function layout(title: string, main: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><header>Mira Lune ${MEMBER_NAV}</header><main>${main}</main></body></html>`;
}

export interface Fixture {
  dir: string;
  manifest: Manifest;
  assets: AssetFetcher;
  /** Requests the asset fetcher saw, by path. */
  seen: string[];
  cleanup(): void;
  /** Writes a file into the deploy (for tests that break things). */
  write(path: string, content: string | Uint8Array): void;
}

export interface FixtureOptions {
  secret?: string;
  /** Pad gated and public pages to about this many bytes (for the benchmark). */
  pageBytes?: number;
  /** Stripe Tax in Checkout, as site.yaml `tax: automatic` builds it. */
  tax?: 'automatic';
  /** A terms page at /terms/, as content/pages/terms.md builds it. */
  terms?: boolean;
  /** site.yaml `anniversary`: the thank-you on each anniversary of joining. */
  anniversary?: string;
  /** site.yaml `show_fans: true`: the live fan meter is public. */
  showFans?: boolean;
  /** site.yaml `supporter_wall: true`. */
  supporterWall?: boolean;
  /** site.yaml `weekly_digest: true`; a string is its `weekly_digest_at` too (default "monday 08:00"). */
  weeklyDigest?: boolean | string;
  /** site.yaml `gifts`: the durations (months) a gift membership is sold for. */
  gifts?: number[];
  /** site.yaml `tiers[].also`: Stripe product or price ids from elsewhere, by tier. */
  also?: { supporter?: string[]; patron?: string[] };
  /** site.yaml `letters` as the manifest carries it (`members`, `followers` or a tier id); absent: off. */
  letters?: string;
}

/**
 * The Node adapter's own reader of dist/ (createDistAssets), noting each path the handler reads. Tests
 * rewrite files as a new deploy would, so every read checks the disk (revalidateMs: 0).
 */
export function dirAssets(dir: string, seen: string[] = []): AssetFetcher {
  const dist = createDistAssets(dir, { revalidateMs: 0 });
  return {
    fetch(path, request) {
      seen.push(path);
      return dist.fetch(path, request);
    },
    range(path, request, start, end) {
      seen.push(`${path} bytes=${start}-${end}`);
      return dist.range!(path, request, start, end);
    },
  };
}

export async function buildFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'truefans-edge-'));
  const write = (path: string, content: string | Uint8Array) => {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  const keyring = await createKeyring(options.secret ?? SECRET);
  const pad = (target: number | undefined, already: number) =>
    target && target > already ? `<p>${'Words about the road and the songs. '.repeat(Math.ceil((target - already) / 36)).slice(0, target - already)}</p>` : '';

  const manifest: Manifest = {
    version: 1,
    kid: keyring.kid,
    builtAt: '2026-11-20T10:00:00.000Z',
    site: { title: 'Mira Lune', url: 'https://mira.example', author: 'Mira Lune', language: 'en', currency: 'usd', thankYou: 'Thank you, truly. You make the next record possible.', fanGoal: 100, ...(options.tax ? { tax: options.tax, taxPrices: 'inclusive' as const } : {}), ...(options.terms ? { terms: '/terms/' } : {}), ...(options.anniversary ? { anniversary: options.anniversary } : {}), ...(options.showFans ? { showFans: true } : {}), ...(options.supporterWall ? { supporterWall: true } : {}), ...(options.weeklyDigest ? { weeklyDigest: true, fanGoalEach: 70, digestAt: typeof options.weeklyDigest === 'string' ? options.weeklyDigest : 'monday 08:00' } : {}), ...(options.gifts ? { gifts: options.gifts } : {}), ...(options.letters ? { letters: options.letters } : {}) },
    tiers: [
      { id: 'supporter', name: 'Supporter', monthly: 500, yearly: 5000, ...(options.also?.supporter ? { also: options.also.supporter } : {}) },
      { id: 'patron', name: 'Patron', monthly: 1500, yearly: 15000, trialDays: 7, ...(options.also?.patron ? { also: options.also.patron } : {}) },
    ],
    offers: [{ id: 'field-recordings', name: 'Field recordings, vol. 1', price: 1200, asset: 'a1' }],
    payWhatYouWant: { minimum: 300, suggested: [500, 1000] },
    pages: {
      '/posts/winter-tour/': { post: 'winter-tour', title: 'Winter tour diary', access: ['members'] },
      '/posts/patrons-only/': { post: 'patrons-only', title: 'Demo for patrons', access: ['patron'] },
      '/posts/album-notes/': { post: 'album-notes', title: 'Liner notes', access: ['offer:field-recordings'] },
    },
    assets: {
      a1: { access: 'offer:field-recordings', type: 'application/zip', name: 'recordings.zip', post: null },
      img1: { access: 'members', type: 'image/png', name: 'photo.png', post: 'winter-tour' },
    },
  };

  const membersPart = `<p>${SECRET_TEXT.members}: we open with the old song.</p><img src="/_truefans/asset/img1/photo.png" alt="">`;
  const winterMain =
    `<h1>Winter tour diary</h1><p>${TEASER_TEXT}.</p>` +
    gate('members', 'winter-tour', await sealText(keyring, { kind: 'content', post: 'winter-tour', tier: 'members' }, membersPart + pad(options.pageBytes, 900))) +
    locked('members');
  write('posts/winter-tour/index.html', layout('Winter tour diary', winterMain));
  write(
    'posts/patrons-only/index.html',
    layout(
      'Demo for patrons',
      `<h1>Demo for patrons</h1><p>A first listen.</p>` +
        gate('patron', 'patrons-only', await sealText(keyring, { kind: 'content', post: 'patrons-only', tier: 'patron' }, `<p>${SECRET_TEXT.patron}</p>`)) +
        locked('patron'),
    ),
  );
  write(
    'posts/album-notes/index.html',
    layout(
      'Liner notes',
      `<h1>Liner notes</h1><p>Notes for buyers.</p>` +
        gate('offer:field-recordings', 'album-notes', await sealText(keyring, { kind: 'content', post: 'album-notes', tier: 'offer:field-recordings' }, `<p>${SECRET_TEXT.offer}</p>`)) +
        locked('offer:field-recordings'),
    ),
  );
  const publicSize = Buffer.byteLength(layout('Winter tour diary', winterMain));
  write('posts/hello/index.html', layout('Hello', `<h1>Hello</h1><p>A public post.</p>${pad(options.pageBytes ? publicSize : undefined, 60)}`));
  write('index.html', layout('Mira Lune', '<h1>Mira Lune</h1>'));
  write('signin/index.html', layout('Sign in · Mira Lune', SIGNIN_MAIN));
  // The membership page's tier cards, with the markers the function rewrites for a signed-in fan.
  const card = (tier: string, name: string) =>
    `<div class="tier"><h3>${name}</h3><truefans-plan data-tier="${tier}" data-return="/membership/"><form class="tier__form" method="post" action="/_truefans/checkout"><input type="hidden" name="tier" value="${tier}"><button type="submit" name="interval" value="month">Join ${name}</button></form></truefans-plan></div>`;
  write('membership/index.html', layout('Membership · Mira Lune', `<h1>Membership</h1>${card('supporter', 'Supporter')}${card('patron', 'Patron')}`));
  write('truefans-shell/index.html', layout('%TRUEFANS_TITLE% · Mira Lune', '<div class="shell">%TRUEFANS_MAIN%</div>'));
  write('_truefans/manifest.json', JSON.stringify(manifest));
  write('_truefans/sealed/a1.bin', await sealBytes(keyring, { kind: 'asset', id: 'a1', tier: 'offer:field-recordings' }, new TextEncoder().encode(`PK ${SECRET_TEXT.asset}`)));
  write('_truefans/sealed/img1.bin', await sealBytes(keyring, { kind: 'asset', id: 'img1', tier: 'members' }, new TextEncoder().encode('\x89PNG fake image')));
  write(
    '_truefans/feed.json',
    JSON.stringify({
      title: 'Mira Lune',
      link: '/',
      items: [
        {
          title: 'Winter tour diary',
          link: '/posts/winter-tour/',
          guid: 'winter-tour',
          date: '2026-11-01T00:00:00.000Z',
          description: 'Notes from the road.',
          access: 'members',
          html: `<p>${TEASER_TEXT}.</p>` + gate('members', 'winter-tour', await sealText(keyring, { kind: 'content', post: 'winter-tour', tier: 'members' }, membersPart)) + locked('members'),
        },
        {
          title: 'Demo for patrons',
          link: '/posts/patrons-only/',
          guid: 'patrons-only',
          date: '2026-11-02T00:00:00.000Z',
          description: 'A first listen.',
          access: 'patron',
          html: '<p>A first listen.</p>' + gate('patron', 'patrons-only', await sealText(keyring, { kind: 'content', post: 'patrons-only', tier: 'patron' }, `<p>${SECRET_TEXT.patron}</p>`)) + locked('patron'),
        },
      ],
    }),
  );
  const seen: string[] = [];
  return { dir, manifest, assets: dirAssets(dir, seen), seen, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
