// Revocation: with a store, sign-out revokes that session (a copied cookie stops working) and "Sign out
// everywhere" revokes all of a fan's sessions; a re-check keeps the session's id, so a copy made before it
// is revoked too. Without a store, sign-out only clears this browser, and the account page says so.

import { describe, expect, it } from 'vitest';
import { cookiesFrom, form, request, sessionFor } from './helpers/handler.ts';
import { useWorld, type World } from './helpers/stand-in.ts';
import { SECRET_TEXT } from './helpers/site.ts';

let world: World;
useWorld((built) => ({ world } = built));

const PAGE = '/posts/winter-tour/';
const ent = { tiers: ['supporter'], offers: [] };
const opens = async (handle: (r: Request) => Promise<Response>, cookie: string) => (await (await handle(request(PAGE, { cookie }))).text()).includes(SECRET_TEXT.members);

describe('with a store', () => {
  it('sign-out revokes that session: a copy of the cookie no longer opens members-only pages', async () => {
    const { handle } = world.handler({ store: true });
    const cookie = await sessionFor('cus_revoke1', ent, world.standIn.clock.now());
    const other = await sessionFor('cus_revoke1', ent, world.standIn.clock.now());
    expect(await opens(handle, cookie)).toBe(true);
    const out = await handle(form('/_truefans/signout', {}, { cookie }));
    expect(out.status).toBe(303);
    expect(await opens(handle, cookie)).toBe(false);
    // The fan's other sessions are untouched.
    expect(await opens(handle, other)).toBe(true);
  });

  it('"Sign out everywhere" revokes every session of the fan, and a new sign-in works afterwards', async () => {
    const made = world.handler({ store: true });
    const fan = (await world.stripe.customers.create({ email: 'everywhere@example.com' })).id;
    const phone = await sessionFor(fan, ent, world.standIn.clock.now());
    const laptop = await sessionFor(fan, ent, world.standIn.clock.now());
    const stranger = await sessionFor('cus_someone_else', ent, world.standIn.clock.now());
    const account = await (await made.handle(request('/_truefans/account', { cookie: laptop }))).text();
    expect(account).toContain('Sign out everywhere');
    await made.handle(form('/_truefans/signout', { everywhere: '1' }, { cookie: laptop }));
    expect(await opens(made.handle, phone)).toBe(false);
    expect(await opens(made.handle, laptop)).toBe(false);
    expect(await opens(made.handle, stranger)).toBe(true);
    await world.standIn.clock.advance(2);
    const later = await sessionFor(fan, ent, world.standIn.clock.now());
    expect(await opens(made.handle, later)).toBe(true);
  });

  it('a re-issued cookie keeps the session id, so signing out with it revokes older copies too', async () => {
    const { handle } = world.handler({ store: true });
    const customer = await world.stripe.customers.create({ email: 'reissue@example.com' });
    const old = await sessionFor(customer.id, ent, world.standIn.clock.now() - 2 * 3600_000, { nowMs: world.standIn.clock.now() - 2 * 3600_000 });
    const reissued = cookiesFrom(await handle(request(PAGE, { cookie: old }))).get('__Host-truefans');
    expect(reissued).toMatch(/\./);
    await handle(form('/_truefans/signout', {}, { cookie: `__Host-truefans=${reissued}` }));
    // The copy made before the re-check is the same session: revoked, so its cookie is cleared (a session
    // that was not revoked would be re-checked and re-issued instead).
    const after = await handle(request(PAGE, { cookie: old }));
    const session = after.headers.getSetCookie().filter((c) => c.startsWith('__Host-truefans='));
    expect(session).toHaveLength(1);
    expect(session[0]).toMatch(/^__Host-truefans=;.*Max-Age=0/);
  });
});

describe('without a store', () => {
  it('sign-out clears this browser only, and the account page says so plainly', async () => {
    const { handle } = world.handler();
    const fan = (await world.stripe.customers.create({ email: 'nostore@example.com' })).id;
    const cookie = await sessionFor(fan, ent, world.standIn.clock.now());
    const account = await (await handle(request('/_truefans/account', { cookie }))).text();
    expect(account).not.toContain('Sign out everywhere');
    expect(account).toContain('This site cannot sign out other devices');
    const out = await handle(form('/_truefans/signout', {}, { cookie }));
    expect(out.headers.getSetCookie().join()).toMatch(/Max-Age=0/);
  });
});
