// Runs the adapter contract (contract.ts) on all four runtimes against one sealed site, one Stripe
// stand-in and one outbox: Node, Deno with Netlify's context, workerd through Wrangler, and Vercel's
// edge-runtime. Each runtime is a real process or isolate reached over 127.0.0.1.

import { afterAll, beforeAll } from 'vitest';
import { defineContract } from './contract.ts';
import { startCloudflare } from './runtimes/cloudflare.ts';
import { startNetlify } from './runtimes/netlify.ts';
import { startNode } from './runtimes/node.ts';
import { startVercel } from './runtimes/vercel.ts';
import { startServices, type Services } from './support/services.ts';
import { buildSite, type Site } from './support/site.ts';

let site: Site;
let services: Services;

beforeAll(async () => {
  site = await buildSite();
  services = await startServices(site.manifest);
}, 180_000);

afterAll(async () => {
  await services?.close();
  site?.cleanup();
});

const setup = () => ({ site, services });

defineContract('node', startNode, setup);
defineContract('netlify-deno', startNetlify, setup);
defineContract('cloudflare-workerd', startCloudflare, setup);
defineContract('vercel-edge-runtime', startVercel, setup);
