import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../../src/core/crypto/keys.ts';
import type { TruefansError } from '../../../src/core/errors.ts';
import { openBytes, openText, sealBytes, sealText } from '../../../src/core/crypto/seal.ts';

const SECRET = 'k3J9vQxW2mZpL8rT5yN1bH6cF4dS7gA0eU2iO9wE3qR';
const OTHER = 'Zx8Cv7Bn6Mm5Ll4Kk3Jj2Hh1Gg0Ff9Dd8Ss7Aa6Qq5W';
const scope = { kind: 'content', post: 'winter-tour', tier: 'patron' } as const;

describe('sealText / openText', () => {
  it('round-trips with the right key and AAD', async () => {
    const keys = await createKeyring(SECRET);
    const env = await sealText(keys, scope, '<p>Only for patrons: the setlist.</p>');
    expect(env).toMatch(/^tf2\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(env).not.toContain('setlist');
    expect(await openText(keys, scope, env)).toBe('<p>Only for patrons: the setlist.</p>');
  });

  it('refuses the wrong key', async () => {
    const env = await sealText(await createKeyring(SECRET), scope, 'secret text');
    await expect(openText(await createKeyring(OTHER), scope, env)).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
  });

  it('refuses the AAD of another post or another tier', async () => {
    const keys = await createKeyring(SECRET);
    const env = await sealText(keys, scope, 'secret text');
    await expect(openText(keys, { ...scope, post: 'other-post' }, env)).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    await expect(openText(keys, { ...scope, tier: 'members' }, env)).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
  });

  it('refuses a tampered ciphertext, IV or key id', async () => {
    const keys = await createKeyring(SECRET);
    const env = await sealText(keys, scope, 'secret text that is long enough');
    const [v, kid, iv, ct] = env.split('.') as [string, string, string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    await expect(openText(keys, scope, [v, kid, iv, flip(ct, 5)].join('.'))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    await expect(openText(keys, scope, [v, kid, flip(iv, 3), ct].join('.'))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    await expect(openText(keys, scope, [v, flip(kid, 0), iv, ct].join('.'))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    await expect(openText(keys, scope, 'tf2.x.y.z')).rejects.toMatchObject({ code: 'TF_SEAL_MALFORMED' });
    await expect(openText(keys, scope, `${v}.${kid}.${iv}.${ct}!`)).rejects.toMatchObject({ code: 'TF_SEAL_MALFORMED' });
  });

  it('still opens a tf1 envelope (one key per post and tier, the format before), and neither format opens as the other', async () => {
    const keys = await createKeyring(SECRET);
    // A tf1 envelope as builds before issue 12 made it: the key for this post and tier, the AAD naming tf1.
    const key = await keys.aesKey(`content:${JSON.stringify([scope.post, scope.tier])}`);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const additionalData = new TextEncoder().encode(JSON.stringify(['tf1', 'content', scope.post, scope.tier, keys.kid]));
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, new TextEncoder().encode('sealed by an older build')));
    const legacy = `tf1.${keys.kid}.${Buffer.from(iv).toString('base64url')}.${Buffer.from(ct).toString('base64url')}`;
    expect(await openText(keys, scope, legacy)).toBe('sealed by an older build');
    await expect(openText(keys, { ...scope, post: 'other-post' }, legacy)).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    // The version is bound too: relabelled, either envelope meets another key and another AAD.
    await expect(openText(keys, scope, legacy.replace(/^tf1/, 'tf2'))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    const current = await sealText(keys, scope, 'sealed now');
    await expect(openText(keys, scope, current.replace(/^tf2/, 'tf1'))).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    await expect(openText(keys, scope, current.replace(/^tf2/, 'tf3'))).rejects.toMatchObject({ code: 'TF_SEAL_MALFORMED' });
  });

  it('never repeats an IV across 10,000 encryptions', async () => {
    const keys = await createKeyring(SECRET);
    const ivs = new Set<string>();
    for (let i = 0; i < 10_000; i++) ivs.add((await sealText(keys, scope, 'x')).split('.')[2]!);
    expect(ivs.size).toBe(10_000);
  });

  it('opens what the previous secret sealed, after rotation', async () => {
    const old = await createKeyring(OTHER);
    const env = await sealText(old, scope, 'sealed before rotation');
    const rotated = await createKeyring(SECRET, OTHER);
    expect(rotated.kids).toEqual([rotated.kid, old.kid]);
    expect(await openText(rotated, scope, env)).toBe('sealed before rotation');
    expect((await sealText(rotated, scope, 'new')).split('.')[1]).toBe(rotated.kid);
  });
});

describe('sealBytes / openBytes', () => {
  const asset = { kind: 'asset', id: 'a1b2c3', tier: 'members' } as const;
  it('round-trips and refuses tampering or another asset', async () => {
    const keys = await createKeyring(SECRET);
    const bytes = crypto.getRandomValues(new Uint8Array(4096));
    const env = await sealBytes(keys, asset, bytes);
    expect(await openBytes(keys, asset, env)).toEqual(bytes);
    const bad = env.slice();
    bad[bad.length - 1]! ^= 1;
    await expect(openBytes(keys, asset, bad)).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    await expect(openBytes(keys, { ...asset, id: 'zzz' }, env)).rejects.toMatchObject({ code: 'TF_SEAL_OPEN_FAILED' });
    await expect(openBytes(keys, asset, new Uint8Array(10))).rejects.toMatchObject({ code: 'TF_SEAL_MALFORMED' });
  });
});

describe('the secret', () => {
  it.each([
    [undefined, 'TRUEFANS_SECRET is not set.'],
    ['q7Zk2', 'TRUEFANS_SECRET is too short (5 characters); it must hold at least 32 random bytes (43 characters of base64url).'],
    ['change-me-change-me-change-me-change-me-change-me', 'TRUEFANS_SECRET looks like a placeholder, not random bytes.'],
    ['a'.repeat(64), 'TRUEFANS_SECRET looks like a placeholder, not random bytes.'],
  ])('refuses %j and says how to make one', async (value, first) => {
    const error = await createKeyring(value).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'TF_SECRET_INVALID' });
    expect((error as Error).message).toBe(first);
    expect((error as TruefansError).hint).toContain('randomBytes(32)');
    if (value) expect((error as Error).message).not.toContain(value);
  });
});
