// The optional key/value store, where an adapter fills it: Cloudflare KV (a TRUEFANS_KV binding in the
// creator's wrangler.jsonc, simulated by workerd's local KV) and the Node server's in-memory store. With a
// store a sign-in link works once; the second use is refused. (Netlify and Vercel run without one, which
// the contract suite covers.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudflare } from './runtimes/cloudflare.ts';
import { startNode } from './runtimes/node.ts';
import type { Runtime, StartRuntime } from './runtimes/runtime.ts';
import { postForm, signInToken, subscribe } from './support/fan.ts';
import { startServices, type Services } from './support/services.ts';
import { fixtureSite, type Site } from './support/site.ts';

let site: Site;
let services: Services;

beforeAll(async () => {
  site = await fixtureSite({
    wranglerJsonc: `{
  "name": "truefans-kv-test",
  // the binding the Cloudflare adapter looks for
  "kv_namespaces": [{ "binding": "TRUEFANS_KV", "id": "local-test-namespace" }],
}`,
  });
  services = await startServices(site.manifest);
}, 60_000);

afterAll(async () => {
  await services?.close();
  site?.cleanup();
});

const stores: [string, StartRuntime][] = [
  ['cloudflare-workerd with KV', startCloudflare],
  ['node with its memory store', startNode],
];

describe.each(stores)('%s', (name, start) => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await start(site, { ...services.env, TRUEFANS_SECRET: site.secret });
  }, 60_000);
  afterAll(() => runtime?.stop());

  it('lets a sign-in link sign in once, and refuses it the second time', async () => {
    const email = `store.${name.replace(/\W+/g, '-').toLowerCase()}@example.com`;
    await subscribe(runtime.url, email, site.gated.path);
    const { token } = await signInToken(runtime.url, services, email, site.gated.path);
    const first = await postForm(runtime.url, '/_truefans/signin/confirm', { token });
    expect(first.status).toBe(303);
    expect(first.headers.getSetCookie().join()).toMatch(/truefans=/);
    const again = await postForm(runtime.url, '/_truefans/signin/confirm', { token });
    expect(again.status).toBe(400);
    expect(again.headers.getSetCookie().join()).not.toMatch(/truefans=[\w-]+\./);
    expect(await again.text()).toMatch(/expired/i);
  });
});
