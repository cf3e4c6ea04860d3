// The deploy the contract's edge function serves: this run's site.yaml as a manifest (prices in minor
// units, as the build writes them), one gated page per tier and per offer, each with a members-only marker
// sealed with the real sealText, and the edge handler from src/core over it, with a local outbox.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SiteConfig } from '../../src/config/site-schema.ts';
import { createKeyring } from '../../src/core/crypto/keys.ts';
import { sealText } from '../../src/core/crypto/seal.ts';
import { createStripeBilling } from '../../src/billing/stripe/index.ts';
import { createHandler } from '../../src/core/handler.ts';
import { sealedGate } from '../../src/core/gate/contract.ts';
import { type Manifest } from '../../src/core/manifest.ts';
import { toMinorUnits } from '../../src/core/money.ts';
import type { Handler } from '../../src/core/ports.ts';
import { MemoryStore } from '../core/helpers/handler.ts';
import { dirAssets, SECRET } from '../core/helpers/site.ts';
import { ORIGIN, type Backend } from './backends.ts';
import { MANIFEST_PATH } from '../../src/core/paths.ts';

export const WEBHOOK_SECRET = 'whsec_truefans_contract';
export const CREATOR = 'creator@contract.truefans.example';

/** The page and its members-only marker for a tier or an offer. */
export function gatedPage(access: string): { path: string; marker: string } {
  const slug = access.replace(/[^a-z0-9-]/g, '-');
  return { path: `/posts/${slug}/`, marker: `MEMBERS-ONLY-${slug.toUpperCase()}` };
}

export interface Email {
  to: string;
  subject: string;
  text: string;
  kind: string;
}

export interface Site {
  handle: Handler;
  store: MemoryStore;
  outbox: Email[];
  logs: string[];
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

export async function startSite(backend: Backend): Promise<Site> {
  const site: SiteConfig = backend.site;
  const dir = mkdtempSync(join(tmpdir(), 'truefans-contract-'));
  const write = (path: string, content: string) => {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  const keyring = await createKeyring(SECRET);
  const pages: Manifest['pages'] = {};
  const layout = (title: string, main: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main>${main}</main></body></html>`;
  for (const access of [...site.tiers.map((t) => t.id), ...site.offers.map((o) => `offer:${o.id}`)]) {
    const { path, marker } = gatedPage(access);
    const post = path.split('/')[2]!;
    pages[path] = { post, title: post, access: [access] };
    const sealed = await sealText(keyring, { kind: 'content', post, tier: access }, `<p>${marker}</p>`);
    write(`${path}index.html`, layout(post, `<h1>${post}</h1><p>The teaser.</p>${sealedGate(access, post, sealed)}`));
  }
  const manifest: Manifest = {
    version: 1,
    kid: keyring.kid,
    builtAt: new Date(backend.now()).toISOString(),
    site: { title: site.title, url: site.url, author: site.author.name, language: site.language, currency: site.currency, thankYou: site.thank_you, fanGoal: site.fan_goal },
    tiers: site.tiers.map((t) => ({
      id: t.id,
      name: t.name,
      ...(t.monthly !== undefined ? { monthly: toMinorUnits(t.monthly, site.currency) } : {}),
      ...(t.yearly !== undefined ? { yearly: toMinorUnits(t.yearly, site.currency) } : {}),
      ...(t.trial_days !== undefined ? { trialDays: t.trial_days } : {}),
    })),
    offers: site.offers.map((o) => ({ id: o.id, name: o.name, price: toMinorUnits(o.price, site.currency) })),
    payWhatYouWant: site.pay_what_you_want
      ? { minimum: toMinorUnits(site.pay_what_you_want.minimum, site.currency), suggested: site.pay_what_you_want.suggested.map((a) => toMinorUnits(a, site.currency)) }
      : null,
    pages,
    assets: {},
  };
  write(MANIFEST_PATH, JSON.stringify(manifest));
  write('truefans-shell/index.html', layout('%TRUEFANS_TITLE%', '%TRUEFANS_MAIN%'));
  write('index.html', layout(site.title, `<h1>${site.title}</h1>`));

  const outbox: Email[] = [];
  const outboxServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      outbox.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Email);
      res.writeHead(202).end();
    });
  });
  const outboxUrl = `${await listen(outboxServer)}/outbox`;
  const logs: string[] = [];
  const store = new MemoryStore();
  const handle = createHandler({
    billing: createStripeBilling,
    env: {
      TRUEFANS_SECRET: SECRET,
      SITE_URL: ORIGIN,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      EMAIL_PROVIDER: 'outbox',
      TRUEFANS_OUTBOX_URL: outboxUrl,
      EMAIL_FROM: `${site.author.name} <hello@contract.truefans.example>`,
      CREATOR_EMAIL: CREATOR,
      ...backend.handlerEnv,
    },
    assets: dirAssets(dir),
    now: () => backend.now(),
    log: (line) => logs.push(line),
    store,
  });
  return {
    handle,
    store,
    outbox,
    logs,
    async close() {
      await new Promise<void>((resolve) => {
        outboxServer.closeAllConnections();
        outboxServer.close(() => resolve());
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
