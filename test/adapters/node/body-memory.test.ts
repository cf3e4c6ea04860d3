// The Node server under a 100 MB chunked upload (no Content-Length) to the sign-in form and the webhook:
// the core stops reading at each route's cap, so the process's resident memory barely moves. Measured
// from the real CLI process (Linux /proc/<pid>/status, VmRSS), before and after.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv } from '../runtimes/runtime.ts';
import { startServices, type Services } from '../support/services.ts';
import { fixtureSite, type Site } from '../support/site.ts';
import { chunkedUpload } from '../support/upload.ts';

const CLI = fileURLToPath(new URL('../../../src/adapters/node/cli.ts', import.meta.url));
const MB = 1024 * 1024;

let site: Site;
let services: Services;
let child: ReturnType<typeof spawn>;
let url: string;

const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;

beforeAll(async () => {
  site = await fixtureSite();
  services = await startServices(site.manifest);
  child = spawn(process.execPath, [CLI, '--dist', site.dist, '--port', '0'], { env: childEnv({ ...services.env, TRUEFANS_SECRET: site.secret }), stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error(out)));
  });
}, 60_000);

afterAll(async () => {
  child?.kill('SIGTERM');
  await services?.close();
  site?.cleanup();
});

describe.runIf(process.platform === 'linux')('the Node server under a 100 MB chunked upload', () => {
  it('answers 413 and its resident memory grows by less than 32 MB', async () => {
    // Warm up: the manifest, the configuration and the page shell are loaded once, on the first requests.
    for (let i = 0; i < 3; i++) {
      const warm = await chunkedUpload(`${url}/_truefans/signin`, 32 * 1024, { origin: url }, 4 * 1024);
      expect([413, 0]).toContain(warm.status);
    }
    const before = rssMb();
    const form = await chunkedUpload(`${url}/_truefans/signin`, 100 * MB, { origin: url });
    const hook = await chunkedUpload(`${url}/_truefans/webhook`, 100 * MB, { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' });
    const after = rssMb();
    console.log(`Node server RSS: ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB after two 100 MB chunked POSTs (form: ${(form.sent / MB).toFixed(1)} MB sent before the answer; webhook: ${(hook.sent / MB).toFixed(1)} MB)`);
    // Either the 413 was read, or the server stopped reading and closed the connection long before the
    // 100 MB were sent (an RST can discard an answer the client had not read yet).
    for (const upload of [form, hook]) {
      if (upload.status !== 413) {
        expect(upload.cut).toBeDefined();
        expect(upload.sent).toBeLessThan(50 * MB);
      }
    }
    expect(after - before).toBeLessThan(32);
  }, 60_000);
});
