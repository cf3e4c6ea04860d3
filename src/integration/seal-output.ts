// The sealing pass, run on the finished build output before it becomes dist/. It encrypts every
// <truefans-gate> in every page, moves images and files used only inside gates into sealed blobs, seals
// offer downloads, writes the public manifest and the members-feed template, and ends with the leak
// check over every output file. Any problem throws; the caller then discards the whole output.

import { createHmac } from 'node:crypto';
import { decodeHTML } from 'entities';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { lowestAccess } from '../core/access.ts';
import { toBase64Url } from '../core/crypto/base64url.ts';
import type { Keyring } from '../core/crypto/keys.ts';
import { sealBytes, sealText } from '../core/crypto/seal.ts';
import { ErrorCodes, TruefansError } from '../core/errors.ts';
import { findMarkers, openTag, replaceMarkers, sealedGate, type Marker } from '../core/html/markers.ts';
import { type Manifest } from '../core/manifest.ts';
import type { SiteConfig } from '../config/site-schema.ts';
import { describeLeaks, isTextFile, LeakIndex } from './leak-check.ts';
import { contentTypeOf, listFiles, urlPathOf } from './output-files.ts';
import { toMinorUnits } from '../core/money.ts';
import { ASSET_ROUTE, FEED_TEMPLATE_PATH, MANIFEST_PATH, SEALED_ASSET_DIR } from '../core/paths.ts';

/** Written by src/pages/truefans-feed.json.ts; merged into the feed template and then removed. */
export const FEED_INDEX_FILE = 'truefans-feed.json';

export interface SealOptions {
  /** The build output folder (absolute). */
  dir: string;
  /** How to name the output folder in messages, e.g. "dist". */
  displayDir: string;
  keyring: Keyring;
  site: SiteConfig;
  contentDir: string;
}

export interface SealReport {
  pages: number;
  gates: number;
  assets: number;
  files: number;
  leakCheckMs: number;
  sealMs: number;
}

interface GatedPage {
  file: string;
  html: string;
  post: string;
  gates: Marker[];
  locked: Marker[];
  tierOf: (m: Marker) => string;
}

interface AssetUse {
  tiers: Set<string>;
  posts: Set<string>;
}

const SEAL_CONCURRENCY = 64;
const ARTICLE = /<article\b[^>]*>/g;
const REF_ATTR = /\b(src|href|poster|srcset|data)="([^"]*)"/g;

function fail(message: string, hint?: string): never {
  throw new TruefansError(ErrorCodes.LEAK_FOUND, message, hint);
}

function articleOf(html: string): { post?: string; access?: string } {
  for (const m of html.matchAll(ARTICLE)) {
    const post = /\bdata-truefans-post="([^"]*)"/.exec(m[0])?.[1];
    if (post) return { post, access: /\bdata-truefans-access="([^"]*)"/.exec(m[0])?.[1] };
  }
  return {};
}

/** Local URL paths referenced from an HTML fragment (src, href, srcset, poster). */
function localRefs(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(REF_ATTR)) {
    const values = m[1] === 'srcset' ? m[2]!.split(',').map((part) => part.trim().split(/\s+/)[0] ?? '') : [m[2]!];
    for (const value of values) {
      const path = value.replace(/&amp;/g, '&').split(/[?#]/)[0]!;
      if (path.startsWith('/') && !path.startsWith('//')) out.push(path);
    }
  }
  return out;
}

function assetIdFor(key: Buffer, subject: string): string {
  return toBase64Url(createHmac('sha256', key).update(subject).digest().subarray(0, 16));
}

/** The terms page a creator writes as content/pages/terms.md; Stripe Checkout links it when it exists. */
const TERMS_PAGE = 'terms/index.html';

export async function sealOutput(options: SealOptions): Promise<SealReport> {
  const started = performance.now();
  const { dir, displayDir, keyring, site } = options;
  const tierIds = site.tiers.map((t) => t.id);
  const validTiers = new Set(['members', ...tierIds]);
  const files = listFiles(dir);
  const fileSet = new Set(files);
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const leaks = new LeakIndex();

  // Pass 1: find every gated page, its gates and tiers, and the local files its gates reference.
  const pages: GatedPage[] = [];
  const uses = new Map<string, AssetUse>();
  const publicTexts: string[] = [];
  for (const file of files) {
    if (!isTextFile(file) || file === FEED_INDEX_FILE) continue;
    const html = read(file);
    if (!file.endsWith('.html') || (!html.includes('<truefans-gate') && !html.includes('<truefans-locked'))) {
      publicTexts.push(html);
      continue;
    }
    let gates: Marker[];
    let locked: Marker[];
    try {
      gates = findMarkers(html, 'truefans-gate');
      locked = findMarkers(html, 'truefans-locked');
    } catch (error) {
      fail(`${displayDir}/${file}: ${(error as Error).message}.`, 'Members-only blocks cannot be nested or left open; check the <MembersOnly> blocks of this post.');
    }
    const { post, access } = articleOf(html);
    if (gates.length && !post) {
      fail(
        `${displayDir}/${file}: members-only content outside a post.`,
        'Only posts in content/posts/ can have members-only parts; move it into a post.',
      );
    }
    const fallback = access && access !== 'public' ? access : 'members';
    const tierOf = (m: Marker) => m.attrs['data-tier'] || fallback;
    for (const gate of gates) {
      const tier = tierOf(gate);
      if (!validTiers.has(tier)) {
        fail(
          `${displayDir}/${file}: a members-only block of post "${post}" is for tier "${tier}", which content/site.yaml does not have.`,
          `Use one of: ${[...validTiers].join(', ')}.`,
        );
      }
      leaks.addText(post!, gate.inner);
      for (const ref of localRefs(gate.inner)) {
        const target = decodeURI(ref).slice(1);
        if (!fileSet.has(target) || target.endsWith('.html') || target.endsWith('/')) continue;
        const use = uses.get(ref) ?? { tiers: new Set(), posts: new Set() };
        use.tiers.add(tier);
        use.posts.add(post!);
        uses.set(ref, use);
      }
    }
    pages.push({ file, html, post: post!, gates, locked, tierOf });
    let rest = '';
    let at = 0;
    for (const gate of gates) {
      rest += html.slice(at, gate.start);
      at = gate.end;
    }
    publicTexts.push(rest + html.slice(at));
  }

  // A file referenced anywhere in public is public: the teaser shows it. Everything else is sealed.
  const publicRefs = new Set<string>();
  if (uses.size) {
    const names = [...uses.keys()];
    const pattern = new RegExp(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    for (const text of publicTexts) for (const m of text.matchAll(pattern)) publicRefs.add(m[0]);
  }

  const manifestAssets: Manifest['assets'] = {};
  const idKey = Buffer.from(await keyring.rawKey('asset-id'));
  const rewrites = new Map<string, string>();
  mkdirSync(join(dir, SEALED_ASSET_DIR), { recursive: true });
  const sealAsset = async (id: string, access: string, name: string, post: string | null, bytes: Uint8Array<ArrayBuffer>) => {
    const sealed = await sealBytes(keyring, { kind: 'asset', id, tier: access }, bytes);
    writeFileSync(join(dir, SEALED_ASSET_DIR, `${id}.bin`), sealed);
    manifestAssets[id] = { access, type: contentTypeOf(name), name, post };
    leaks.addAsset(post ?? 'offer', name, bytes);
  };
  for (const [ref, use] of uses) {
    if (publicRefs.has(ref)) continue;
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
      await sealAsset(asset, `offer:${offer.id}`, name, null, new Uint8Array(readFileSync(join(options.contentDir, offer.file))));
    }
    offers.push({ id: offer.id, name: offer.name, price: toMinorUnits(offer.price, site.currency), ...(asset ? { asset } : {}) });
  }

  // Pass 2: seal each gate (after pointing its sealed files at the edge route) and fill in locked tiers.
  const manifestPages: Manifest['pages'] = {};
  const sealedHtml = new Map<string, string>();
  let gateCount = 0;
  // Pages are sealed concurrently: each WebCrypto call is a thread-pool round trip, so overlapping them
  // is what keeps sealing cheap next to the build.
  const sealPage = async (page: GatedPage) => {
    const markers = [...page.gates, ...page.locked].sort((a, b) => a.start - b.start);
    const html = await replaceMarkers(page.html, markers, async (m) => {
      const tier = page.tierOf(m);
      if (m.name === 'truefans-locked') return `${openTag('truefans-locked', { ...m.attrs, 'data-tier': tier })}${m.inner}</truefans-locked>`;
      let inner = m.inner;
      for (const [from, to] of rewrites) inner = inner.split(`"${from}"`).join(`"${to}"`).split(`${from} `).join(`${to} `).split(`${from},`).join(`${to},`);
      gateCount++;
      return sealedGate(tier, page.post, await sealText(keyring, { kind: 'content', post: page.post, tier }, inner));
    });
    writeFileSync(join(dir, page.file), html);
    sealedHtml.set(page.file, html);
    if (page.gates.length) {
      // The post title alone: og:title is exactly it (<title> carries the site name too).
      const raw = /<meta property="og:title" content="([^"]*)"/.exec(page.html)?.[1] ?? /<title>([^<]*)<\/title>/.exec(page.html)?.[1];
      const title = raw ? decodeHTML(raw).trim() : page.post;
      manifestPages[urlPathOf(page.file)] = { post: page.post, title, access: [...new Set(page.gates.map(page.tierOf))] };
    }
  };
  for (let i = 0; i < pages.length; i += SEAL_CONCURRENCY) await Promise.all(pages.slice(i, i + SEAL_CONCURRENCY).map(sealPage));

  writeFeedTemplate(dir, site, (file) => sealedHtml.get(file) ?? (fileSet.has(file) ? read(file) : undefined));

  const manifest: Manifest = {
    version: 1,
    kid: keyring.kid,
    builtAt: new Date().toISOString(),
    site: {
      title: site.title,
      url: site.url,
      author: site.author.name,
      language: site.language,
      currency: site.currency,
      tax: site.tax,
      taxPrices: site.tax_prices,
      thankYou: site.thank_you,
      fanGoal: site.fan_goal,
      ...(fileSet.has(TERMS_PAGE) ? { terms: urlPathOf(TERMS_PAGE) } : {}),
    },
    tiers: site.tiers.map((t) => ({
      id: t.id,
      name: t.name,
      ...(t.monthly !== undefined ? { monthly: toMinorUnits(t.monthly, site.currency) } : {}),
      ...(t.yearly !== undefined ? { yearly: toMinorUnits(t.yearly, site.currency) } : {}),
      ...(t.trial_days !== undefined ? { trialDays: t.trial_days } : {}),
    })),
    offers,
    payWhatYouWant:
      site.pay_what_you_want?.enabled === true
        ? {
            minimum: toMinorUnits(site.pay_what_you_want.minimum, site.currency),
            suggested: site.pay_what_you_want.suggested.map((a) => toMinorUnits(a, site.currency)),
          }
        : null,
    pages: Object.fromEntries(Object.entries(manifestPages).sort(([a], [b]) => a.localeCompare(b))),
    assets: manifestAssets,
  };
  writeFileSync(join(dir, MANIFEST_PATH), `${JSON.stringify(manifest, null, 2)}\n`);
  const sealMs = performance.now() - started;

  // The leak check, over every file now in the output.
  const checkStarted = performance.now();
  const found = [];
  const outFiles = listFiles(dir);
  for (const file of outFiles) {
    if (file.startsWith(SEALED_ASSET_DIR.slice(1))) continue;
    const bytes = readFileSync(join(dir, file));
    found.push(...leaks.scanBytes(file, bytes));
    if (isTextFile(file)) found.push(...leaks.scanText(file, bytes.toString('utf8')));
  }
  const leakCheckMs = performance.now() - checkStarted;
  if (found.length) {
    fail(
      `The leak check found members-only content in the clear in ${new Set(found.map((l) => l.file)).size} file(s); nothing was published:\n${describeLeaks(found, displayDir)}`,
      'If a description, tag or public part repeats members-only text, change it; if the text is meant to be public, move it above the members-only part.',
    );
  }
  return { pages: Object.keys(manifestPages).length, gates: gateCount, assets: Object.keys(manifestAssets).length, files: outFiles.length, leakCheckMs, sealMs };
}

interface FeedIndex {
  title: string;
  link: string;
  items: { post: string; title: string; link: string; date: string; description: string; access: string }[];
}

/** Merges each post's sealed body into the feed index and writes the members-feed template. */
function writeFeedTemplate(dir: string, site: SiteConfig, pageHtml: (file: string) => string | undefined) {
  const indexPath = join(dir, FEED_INDEX_FILE);
  let index: FeedIndex;
  try {
    index = JSON.parse(readFileSync(indexPath, 'utf8')) as FeedIndex;
  } catch {
    return;
  }
  const items = index.items.map((item) => {
    const file = `${item.link.replace(/^\//, '')}index.html`;
    const html = pageHtml(file) ?? '';
    const body = /<truefans-body>([\s\S]*)<\/truefans-body>/.exec(html)?.[1] ?? '';
    return { ...item, guid: new URL(item.link, site.url).href, html: body };
  });
  const target = join(dir, FEED_TEMPLATE_PATH);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, JSON.stringify({ title: index.title, link: index.link, items }));
  rmSync(indexPath);
}
