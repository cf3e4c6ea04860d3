// Writes a prebuilt Vercel deployment in the Build Output API v3 (.vercel/output): dist/ as the static
// output, with each gated page moved from its own path to /_truefans/pages/<path>index.html (sealed as
// built), the edge function, and routes that send gated pages (in any letter case, with or without
// index.html) and the /_truefans/ routes to the function after the static files have been tried. With
// weekly_digest on, `crons` has Vercel call the digest route at the site.yaml time (UTC), with
// `Authorization: Bearer <CRON_SECRET>` (vercel.com/docs/cron-jobs/manage-cron-jobs: securing cron jobs).

import { cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { digestCron, parseDigestAt } from '../../core/digest-schedule.ts';
import { GIFT_DELIVERY_CRON } from '../../core/gifts/rules.ts';
import { GIFT_ROUTES } from '../../core/paths.ts';
import type { Manifest } from '../../core/manifest.ts';
import { bundlePlatform, type BundleInfo } from '../bundle.ts';
import { FUNCTION_PREFIX, ROUTES, STATIC_UNDER_PREFIX, TAILORED_PAGES, VERCEL_MOVED_PAGES_DIR } from '../../core/paths.ts';
import { SESSION_COOKIE } from '../../core/http/cookies.ts';
import { gatedPages } from '../built-manifest.ts';
import { SEARCH_FILES, SEARCH_PAGE, SEARCH_PAGE_CSP, STATIC_HEADERS } from '../../core/http/security-headers.ts';

export const VERCEL_OUT = '.vercel/output';
export const VERCEL_FUNCTION = '/_truefans/edge';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The build's static files under FUNCTION_PREFIX (and the moved gated pages), as one regex alternation
 * relative to the prefix: `a/b.json$` for a file, `dir/` for a pattern ending in `/*`.
 */
function staticUnderPrefix(): string {
  return [...STATIC_UNDER_PREFIX, `${VERCEL_MOVED_PAGES_DIR}/*`]
    .map((p) => {
      if (!p.startsWith(FUNCTION_PREFIX)) throw new Error(`${p} is not under ${FUNCTION_PREFIX}`);
      const rest = p.slice(FUNCTION_PREFIX.length);
      return rest.endsWith('/*') ? escape(rest.slice(0, -1)) : `${escape(rest)}$`;
    })
    .join('|');
}

export interface VercelRoute {
  src?: string;
  dest?: string;
  /** Only when the request has this (Build Output API v3 route condition). */
  has?: Array<{ type: 'cookie' | 'header' | 'host' | 'query'; key: string; value?: string }>;
  status?: number;
  handle?: 'filesystem';
  headers?: Record<string, string>;
  continue?: boolean;
}

/** Gated pages per route: 10,000 gated posts make 100 routes of a few kilobytes each. */
export const GATED_PER_ROUTE = 100;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export function vercelRoutes(manifest: Manifest, has404: boolean): VercelRoute[] {
  const prefix = escape(FUNCTION_PREFIX);
  return [
    // The security headers on every answer, static files included (the function sets its own as well).
    { src: '^/.*$', headers: { ...STATIC_HEADERS }, continue: true },
    // The search page's own policy (it loads Pagefind); a later route's header replaces the same header.
    { src: `^(?:${escape(SEARCH_PAGE.replace(/\/$/, ''))}(?:/|/index\\.html)?$|${escape(SEARCH_FILES)})`, headers: { 'content-security-policy': SEARCH_PAGE_CSP }, continue: true },
    // Pages the function tailors for a signed-in fan (/membership/): to the function when the request carries
    // the session cookie, before the static file would answer; without it, the static file as usual.
    ...TAILORED_PAGES.map((page) => ({
      src: `^${escape(page.replace(/\/$/, ''))}(?:/|/index\\.html?)?$`,
      has: [{ type: 'cookie' as const, key: `__Host-${SESSION_COOKIE}` }],
      dest: VERCEL_FUNCTION,
    })),
    { handle: 'filesystem' },
    // The function's routes; the static files under /_truefans/ were served above, and a missing one must
    // not reach the function, which would ask the CDN for it again.
    { src: `^${prefix}(?!${staticUnderPrefix()}).*$`, dest: VERCEL_FUNCTION },
    // Vercel matches `src` case-insensitively, so /POSTS/SLUG/ reaches the function too. It also counts
    // the routes of a deployment (at most 2,048), so gated pages share routes, GATED_PER_ROUTE to each.
    ...chunks(gatedPages(manifest), GATED_PER_ROUTE).map((pages) => ({
      src: `^(?:${pages.map((page) => escape(page.replace(/\/$/, ''))).join('|')})(?:/|/index\\.html?)?$`,
      dest: VERCEL_FUNCTION,
    })),
    ...(has404 ? [{ src: '^/.*$', dest: '/404.html', status: 404 }] : []),
  ];
}

/**
 * Build Output API v3 `crons` (vercel.com/docs/build-output-api/configuration#crons): the digest route and the
 * daily gift delivery route, each when on. Vercel calls them with GET and `Authorization: Bearer <CRON_SECRET>`.
 */
export function vercelCrons(manifest: Manifest): Array<{ path: string; schedule: string }> | undefined {
  const crons = [
    ...(manifest.site.weeklyDigest ? [{ path: ROUTES.digest, schedule: digestCron(parseDigestAt(manifest.site.digestAt)) }] : []),
    ...(manifest.site.gifts ? [{ path: GIFT_ROUTES.deliver, schedule: GIFT_DELIVERY_CRON }] : []),
  ];
  return crons.length ? crons : undefined;
}

export async function emitVercel(root: string, distDir: string, manifest: Manifest): Promise<BundleInfo> {
  const out = path.join(root, VERCEL_OUT);
  await rm(out, { recursive: true, force: true });
  const staticDir = path.join(out, 'static');
  await cp(distDir, staticDir, { recursive: true });
  const moved: string[] = [];
  for (const page of gatedPages(manifest)) {
    if (!page.endsWith('/')) continue;
    const from = path.join(staticDir, page, 'index.html');
    if (!existsSync(from)) continue;
    const to = path.join(staticDir, VERCEL_MOVED_PAGES_DIR, page, 'index.html');
    await mkdir(path.dirname(to), { recursive: true });
    await rename(from, to);
    moved.push(page);
  }

  const fnDir = path.join(out, 'functions', `${VERCEL_FUNCTION.slice(1)}.func`);
  await mkdir(fnDir, { recursive: true });
  const info = await bundlePlatform('vercel', path.join(fnDir, 'index.js'), {
    define: { __TRUEFANS_MOVED_PAGES__: JSON.stringify(moved) },
  });
  await writeFile(path.join(fnDir, '.vc-config.json'), `${JSON.stringify({ runtime: 'edge', entrypoint: 'index.js' }, null, 2)}\n`);
  const crons = vercelCrons(manifest);
  const config = { version: 3, routes: vercelRoutes(manifest, existsSync(path.join(distDir, '404.html'))), ...(crons ? { crons } : {}) };
  await writeFile(path.join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  return info;
}
