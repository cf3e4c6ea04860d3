// The supporter wall: /supporters/ lists the names members chose, by tier (drawn from Stripe at most once
// per isolate every ten minutes and cacheable as long, so a view never costs a Stripe call); the account
// page's form sets or removes the fan's own name; a name typed at checkout is kept once the checkout is
// paid. Names are untrusted text: cleaned when kept (wall.ts), escaped wherever shown. Off unless site.yaml
// says `supporter_wall: true`.

import { stripeFailure, type CheckoutRecord, type WallEntry } from '../billing.ts';
import { tierName, type App, type Ctx } from '../context.ts';
import { readSession } from '../fan.ts';
import { Errors } from '../errors.ts';
import { escapeHtml as e } from '../http/html.ts';
import { HttpProblem } from '../http/problem.ts';
import { readForm } from '../http/form.ts';
import { page, redirect } from '../http/respond.ts';
import { ROUTES } from '../paths.ts';
import type { View } from '../pages/views.ts';
import { cleanWallName, WALL_METADATA, WALL_NAME_MAX } from '../wall.ts';

/** How long the wall is used before Stripe is asked again, here and at the CDN (seconds). */
export const WALL_SECONDS = 600;
/** The mark on a checkout once its wall name was kept, so a redelivered event cannot undo a later removal. */
export const WALL_SAVED_MARK = 'truefans_wall_saved';

type Wall = { entries: WallEntry[]; atLeast: boolean };
const walls = new WeakMap<App, { wall: Wall; at: number; pending: Promise<Wall> | undefined }>();

function wallOff(app: App): boolean {
  return !app.manifest.site.supporterWall;
}

async function currentWall(app: App): Promise<Wall> {
  const held = walls.get(app);
  if (held && app.now() - held.at < WALL_SECONDS * 1000) return held.wall;
  if (held?.pending) return held.pending;
  const pending = app.billing.supporterWall(app.legacyTiers);
  if (held) held.pending = pending;
  else walls.set(app, { wall: { entries: [], atLeast: false }, at: -Infinity, pending });
  try {
    const wall = await pending;
    walls.set(app, { wall, at: app.now(), pending: undefined });
    return wall;
  } catch (error) {
    const entry = walls.get(app)!;
    entry.pending = undefined;
    if (entry.at > -Infinity) return entry.wall; // Stripe down: the wall as it was
    throw stripeFailure(error, 'reading the supporter wall');
  }
}

/** The names by tier, highest tier first, each tier's names in alphabetical order; every name escaped. */
export function supportersView(app: App, wall: Wall): View {
  const collator = new Intl.Collator(app.manifest.site.language);
  const tiers = [...app.manifest.tiers].reverse();
  const groups = tiers
    .map((tier) => ({ tier, names: wall.entries.filter((w) => w.tier === tier.id).map((w) => w.name).sort(collator.compare) }))
    .filter((g) => g.names.length > 0);
  const body = groups.length
    ? groups
        .map((g) => `<section aria-labelledby="wall-${e(g.tier.id)}"><h2 id="wall-${e(g.tier.id)}">${e(tierName(app.manifest, g.tier.id))}</h2>\n<ul class="truefans-wall">\n${g.names.map((n) => `<li>${e(n)}</li>`).join('\n')}\n</ul></section>`)
        .join('\n')
    : '<p>No names on the wall yet.</p>';
  return {
    title: 'Supporters',
    main: `<section class="truefans-page">\n<h1>Supporters</h1>\n<p>The members who make ${e(app.site.title)} possible, by the names they chose. Members can add, change or remove theirs on <a href="${ROUTES.account}">their account page</a>.</p>\n${body}\n</section>`,
  };
}

export async function serveSupporters(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  if (wallOff(app)) throw new HttpProblem(Errors.SupporterWallOff);
  const wall = await currentWall(app);
  // The untailored shell: the page is the same for everyone, so any cache may keep it for a while.
  const response = page(await app.shell(), supportersView(app, wall));
  response.headers.set('cache-control', `public, max-age=${WALL_SECONDS}, s-maxage=${WALL_SECONDS}`);
  response.headers.delete('vary');
  return response;
}

/** The fan's name on the wall, as the account page shows it: the first one kept on any of their customers. */
export async function wallNameOf(app: App, customers: readonly string[]): Promise<string | undefined> {
  const records = await Promise.all(customers.map((c) => app.billing.customer(c)));
  return records.map((r) => (r.deleted ? undefined : cleanWallName(r.metadata[WALL_METADATA]))).find(Boolean);
}

/** The account page's form: `wall_name` to set (cleaned), or `remove` (Stripe unsets a metadata key given ""). */
export async function saveWallName(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  if (wallOff(app)) throw new HttpProblem(Errors.SupporterWallOff);
  const form = await readForm(ctx.request);
  const { session } = await readSession(ctx);
  if (!session) return redirect(`${ROUTES.signIn}?return_to=${encodeURIComponent(ROUTES.account)}`);
  const name = form.get('remove') ? undefined : cleanWallName(form.get('wall_name'));
  try {
    await Promise.all(session.customers.map((c) => app.billing.setCustomerMetadata(c, { [WALL_METADATA]: name ?? '' })));
  } catch (error) {
    throw stripeFailure(error, "saving a fan's name on the supporter wall");
  }
  return redirect(ROUTES.account);
}

/** A name typed at Checkout, kept on the customer once per checkout (the mark is read fresh from Stripe). */
export async function keepCheckoutWallName(app: App, stale: CheckoutRecord): Promise<void> {
  if (wallOff(app) || !stale.customer || !cleanWallName(stale.wallName)) return;
  const fresh = await app.billing.checkoutMarks(stale.id);
  if (fresh.metadata[WALL_SAVED_MARK]) return;
  await app.billing.setCustomerMetadata(stale.customer, { [WALL_METADATA]: cleanWallName(stale.wallName)! });
  await app.billing.markCheckout(stale.id, WALL_SAVED_MARK, String(Math.floor(app.now() / 1000)));
}
