// The site's shell for one request: the header says who is signed in (from the session cookie alone,
// no Stripe call), and an optional one-time banner sits at the top of <main>.

import type { Entitlements } from '../access.ts';
import type { Ctx } from '../context.ts';
import { readSession } from '../fan.ts';
import type { Flash } from '../http/flash.ts';
import { tailorPage } from './reader.ts';

export async function shellFor(ctx: Ctx, options: { ent?: Entitlements; flash?: Flash | undefined } = {}): Promise<string> {
  const { app } = ctx;
  const shell = await app.shell();
  const ent = options.ent ?? (await readSession(ctx)).session?.ent;
  if (!ent) return shell;
  try {
    return await tailorPage(shell, { signedIn: true, ent, flash: options.flash }, { manifest: app.manifest, rankedTiers: app.rankedTiers, now: app.now() });
  } catch {
    return shell; // a shell the scanner does not understand stays generic
  }
}
