// Writes the Cloudflare Worker and its generated Wrangler config. The creator's wrangler.jsonc (name,
// compatibility date, an optional KV namespace) is the base; the build adds the Worker bundle, the assets
// directory and run_worker_first (gated pages and /_truefans/ routes), and points Wrangler at the result
// through .wrangler/deploy/config.json, Wrangler's documented redirect for generated configs. So
// `npx wrangler deploy` deploys exactly what was built and tested. With weekly_digest on, a Cron Trigger
// (`triggers.crons`, UTC) calls the Worker's scheduled() handler for the digest.

import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { Errors, TruefansError } from '../../core/errors.ts';
import { digestCron, parseDigestAt } from '../../core/digest-schedule.ts';
import { GIFT_DELIVERY_CRON } from '../../core/gifts/rules.ts';
import type { Manifest } from '../../core/manifest.ts';
import { bundlePlatform, type BundleInfo } from '../bundle.ts';
import { FUNCTION_PREFIX, STATIC_UNDER_PREFIX, TAILORED_PAGES } from '../../core/paths.ts';
import { SEARCH_FILES, SEARCH_PAGE } from '../../core/http/security-headers.ts';
import { gatedPagePatterns, pageSpellings } from '../built-manifest.ts';
import { listFiles } from '../../integration/output-files.ts';

export const CLOUDFLARE_OUT = '.truefans/cloudflare';
/** The date this adapter is tested against in workerd; the creator's wrangler.jsonc may set a later one. */
export const COMPATIBILITY_DATE = '2026-11-01';

/** Wrangler refuses more run_worker_first rules than this ("exceeds max of 100"). */
export const RUN_WORKER_FIRST_MAX = 100;

export function runWorkerFirst(manifest: Manifest): { rules: string[]; collapsed: string[] } {
  const head = [`${FUNCTION_PREFIX}*`, ...STATIC_UNDER_PREFIX.map((p) => `!${p}`)];
  // The search page and Pagefind's Web Worker script: Cloudflare gives a path every matching `_headers` rule,
  // so served as static files they would carry the site's policy as well as the search one, and the
  // stricter would block the search; through the Worker, the core sends the search policy alone.
  const tail = [...TAILORED_PAGES.flatMap(pageSpellings), ...pageSpellings(SEARCH_PAGE), `${SEARCH_FILES}pagefind-worker.js`];
  const gated = gatedPagePatterns(manifest, RUN_WORKER_FIRST_MAX - head.length - tail.length);
  return { rules: [...head, ...gated.patterns, ...tail], collapsed: gated.collapsed };
}

/**
 * The creator's own triggers, plus the digest's cron when weekly_digest is on and the daily gift delivery
 * cron when gifts are on (developers.cloudflare.com/workers/configuration/cron-triggers).
 */
export function cronTriggers(manifest: Manifest, user: unknown): { crons: string[] } | undefined {
  const own = (user && typeof user === 'object' ? (user as { crons?: unknown }).crons : undefined);
  const crons = Array.isArray(own) ? own.filter((c): c is string => typeof c === 'string') : [];
  if (manifest.site.weeklyDigest) {
    const cron = digestCron(parseDigestAt(manifest.site.digestAt));
    if (!crons.includes(cron)) crons.push(cron);
  }
  if (manifest.site.gifts && !crons.includes(GIFT_DELIVERY_CRON)) crons.push(GIFT_DELIVERY_CRON);
  return crons.length || user !== undefined ? { ...(user as object), crons } : undefined;
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

async function readUserConfig(root: string): Promise<Record<string, unknown>> {
  const file = ['wrangler.jsonc', 'wrangler.json'].map((f) => path.join(root, f)).find((f) => existsSync(f));
  if (!file) return {};
  const errors: ParseError[] = [];
  const text = await readFile(file, 'utf8');
  const config = parse(text, errors, { allowTrailingComma: true });
  if (errors.length || typeof config !== 'object' || config === null) {
    const first = errors[0];
    const where = first ? `${printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} at line ${lineOf(text, first.offset)}` : 'expected an object';
    throw new TruefansError(Errors.PlatformConfigInvalid, { kind: 'wrangler', file: path.basename(file), where });
  }
  return config as Record<string, unknown>;
}

export async function emitCloudflare(root: string, distDir: string, manifest: Manifest): Promise<BundleInfo> {
  const out = path.join(root, CLOUDFLARE_OUT);
  await mkdir(out, { recursive: true });
  const info = await bundlePlatform('cloudflare', path.join(out, 'worker.js'));
  const user = await readUserConfig(root);
  const userAssets = (user.assets ?? {}) as Record<string, unknown>;
  const routing = runWorkerFirst(manifest);
  const triggers = cronTriggers(manifest, user.triggers);
  const config = {
    ...user,
    $schema: undefined,
    name: user.name ?? 'truefans',
    compatibility_date: user.compatibility_date ?? COMPATIBILITY_DATE,
    main: 'worker.js',
    // Already one bundle: deploy these exact bytes, the ones the tests ran.
    no_bundle: true,
    assets: {
      ...userAssets,
      directory: path.relative(out, path.resolve(distDir)) || '.',
      binding: 'ASSETS',
      html_handling: 'auto-trailing-slash',
      not_found_handling: '404-page',
      run_worker_first: routing.rules,
    },
    ...(triggers ? { triggers } : {}),
  };
  await writeFile(path.join(out, 'wrangler.json'), `${JSON.stringify(config, null, 2)}\n`);
  const redirect = path.join(root, '.wrangler/deploy');
  await mkdir(redirect, { recursive: true });
  await writeFile(
    path.join(redirect, 'config.json'),
    `${JSON.stringify({ configPath: path.relative(redirect, path.join(out, 'wrangler.json')) }, null, 2)}\n`,
  );
  const notes: string[] = [];
  if (routing.collapsed.length) {
    const where = routing.collapsed.map((f) => `${f}*`).join(', ');
    notes.push(`Cloudflare allows ${RUN_WORKER_FIRST_MAX} run_worker_first rules, fewer than the gated pages' spellings, so every page under ${where} runs the Worker first; public pages there pass through it unchanged, and each counts as a Worker request`);
  }
  const tooBig = listFiles(distDir).filter((file) => statSync(path.join(distDir, file)).size > CLOUDFLARE_ASSET_MAX_BYTES);
  if (tooBig.length) {
    notes.push(
      `Cloudflare takes no static file over 25 MiB, and wrangler deploy will refuse ${tooBig.map((f) => `dist/${f}`).join(', ')}. ` +
        'Members-only recordings are already cut to fit; make these smaller (a download can be split in two), or deploy to Netlify, Vercel or the Node server, which take them',
    );
  }
  if (notes.length) info.note = notes.join('. ');
  return info;
}

/** Cloudflare's limit on one static asset (Workers static assets, as Pages): 25 MiB. */
const CLOUDFLARE_ASSET_MAX_BYTES = 25 * 1024 * 1024;
