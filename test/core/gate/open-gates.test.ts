import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../../src/core/crypto/keys.ts';
import { sealText } from '../../../src/core/crypto/seal.ts';
import { openGates } from '../../../src/core/gate/open-gates.ts';
import { OTHER_SECRET, SECRET } from '../helpers/site.ts';

const ranked = ['supporter', 'patron'];

async function page(secret = SECRET) {
  const keys = await createKeyring(secret);
  const env = (post: string, tier: string, text: string) => sealText(keys, { kind: 'content', post, tier }, text);
  return (
    '<main><p>Teaser.</p>' +
    `<truefans-gate data-tier="members" data-post="p1"><template data-truefans-envelope>${await env('p1', 'members', '<p>FOR-MEMBERS</p>')}</template></truefans-gate>` +
    '<truefans-locked data-tier="members"><p>Join to read.</p></truefans-locked>' +
    '<p>Middle.</p>' +
    `<truefans-gate data-tier="patron" data-post="p1"><template data-truefans-envelope>${await env('p1', 'patron', '<p>FOR-PATRONS</p>')}</template></truefans-gate>` +
    '<truefans-locked data-tier="patron"><p>Patrons only.</p></truefans-locked>' +
    '<truefans-gateway>not ours</truefans-gateway></main>'
  );
}

describe('openGates', () => {
  it('opens what a supporter may read and leaves the rest sealed', async () => {
    const html = await page();
    const out = await openGates(html, { keyring: await createKeyring(SECRET), ent: { tiers: ['supporter'], offers: [] }, rankedTiers: ranked });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.html).toContain('<p>FOR-MEMBERS</p>');
    expect(out.html).not.toContain('Join to read.');
    expect(out.html).not.toContain('FOR-PATRONS');
    expect(out.html).toContain('Patrons only.');
    expect(out.html).toContain('data-tier="patron" data-post="p1"><template data-truefans-envelope>tf2.');
    expect(out.html).toContain('<truefans-gateway>not ours</truefans-gateway>');
    expect(out).toMatchObject({ opened: 1, locked: 1 });
  });

  it('opens everything for a patron (a higher tier opens the ones below)', async () => {
    const out = await openGates(await page(), { keyring: await createKeyring(SECRET), ent: { tiers: ['patron'], offers: [] }, rankedTiers: ranked });
    expect(out.ok && out.html).toBe('<main><p>Teaser.</p><p>FOR-MEMBERS</p><p>Middle.</p><p>FOR-PATRONS</p><truefans-gateway>not ours</truefans-gateway></main>');
  });

  it('changes nothing for a fan with no entitlements', async () => {
    const html = await page();
    const out = await openGates(html, { keyring: await createKeyring(SECRET), ent: { tiers: [], offers: [] }, rankedTiers: ranked });
    expect(out.ok && out.html).toBe(html);
  });

  it('fails as a whole when one part was sealed with another secret', async () => {
    const html = await page(OTHER_SECRET);
    const out = await openGates(html, { keyring: await createKeyring(SECRET), ent: { tiers: ['patron'], offers: [] }, rankedTiers: ranked });
    expect(out).toMatchObject({ ok: false, post: 'p1' });
    expect(JSON.stringify(out)).not.toContain('FOR-');
  });

  it('fails on an unclosed gate rather than guessing', async () => {
    const out = await openGates('<truefans-gate data-tier="members" data-post="p"><template data-truefans-envelope>tf1.x', {
      keyring: await createKeyring(SECRET),
      ent: { tiers: ['patron'], offers: [] },
      rankedTiers: ranked,
    });
    expect(out.ok).toBe(false);
  });

  it('drops unreadable gates when asked (feeds)', async () => {
    const out = await openGates(await page(), { keyring: await createKeyring(SECRET), ent: { tiers: [], offers: [] }, rankedTiers: ranked }, { dropUnreadable: true });
    expect(out.ok && out.html).not.toMatch(/tf[12]\./);
    expect(out.ok && out.html).toContain('Join to read.');
  });
});
