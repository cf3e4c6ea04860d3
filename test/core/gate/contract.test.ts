// The gating contract, rule by rule: the tier a gate is for, the values a gate may name, how a
// <MembersOnly> names its tier, the one form of the Markdown divider, and the sealed form of a gate.

import { describe, expect, it } from 'vitest';
import {
  DIVIDER,
  DIVIDER_EXACT,
  DIVIDER_FORM,
  envelopeOf,
  gateTier,
  gateValues,
  membersOnlyTier,
  SEALED_ENVELOPES,
  sealedGate,
} from '../../../src/core/gate/contract.ts';
import { createKeyring } from '../../../src/core/crypto/keys.ts';
import { openText, sealText } from '../../../src/core/crypto/seal.ts';
import { Errors } from '../../../src/core/errors.ts';
import { findMarkers } from '../../../src/core/html/markers.ts';

describe('gateTier: a gate with no tier takes the post’s tier', () => {
  it('keeps the tier a gate names, whatever the post’s access', () => {
    expect(gateTier('patron', 'public')).toBe('patron');
    expect(gateTier('members', 'patron')).toBe('members');
    expect(gateTier('supporter', undefined)).toBe('supporter');
  });

  it('gives a gate that names none the post’s access, and members on a public post', () => {
    expect(gateTier(undefined, 'patron')).toBe('patron');
    expect(gateTier(undefined, 'members')).toBe('members');
    expect(gateTier(undefined, 'public')).toBe('members');
    // Outside a post (no access known), members: the least a gate can ask.
    expect(gateTier(undefined, undefined)).toBe('members');
  });

  it('treats an empty name as none, as an empty HTML attribute is', () => {
    expect(gateTier('', 'patron')).toBe('patron');
    expect(gateTier('', '')).toBe('members');
  });
});

describe('gateValues', () => {
  it('is members and the site’s tiers in their order, never public or an offer', () => {
    expect(gateValues(['supporter', 'patron'])).toEqual(['members', 'supporter', 'patron']);
    expect(gateValues([])).toEqual(['members']);
    expect(gateValues(['supporter'])).not.toContain('public');
  });
});

describe('membersOnlyTier', () => {
  it('reads the tier in any quoting MDX allows', () => {
    expect(membersOnlyTier(' tier="patron"')).toBe('patron');
    expect(membersOnlyTier(" tier='true-fan'")).toBe('true-fan');
    expect(membersOnlyTier(' tier={"listener"}')).toBe('listener');
    expect(membersOnlyTier(" tier={ 'listener' }")).toBe('listener');
    expect(membersOnlyTier(' tier = "patron" note={false}')).toBe('patron');
  });

  it('is undefined when the block names no quoted tier', () => {
    expect(membersOnlyTier('')).toBeUndefined();
    expect(membersOnlyTier(' note={false}')).toBeUndefined();
    expect(membersOnlyTier(' tier={level}')).toBeUndefined();
    expect(membersOnlyTier(' subtier="patron"')).toBeUndefined();
  });
});

describe('the members divider', () => {
  it('has one form, lower case, with any whitespace inside', () => {
    expect(DIVIDER_EXACT.test(DIVIDER_FORM)).toBe(true);
    expect(DIVIDER_EXACT.test('<!--members-->')).toBe(true);
    expect(DIVIDER_EXACT.test('<!--   members \t -->')).toBe(true);
    for (const near of ['<!-- Members -->', '<!-- member -->', '<!--- members -->', '<!-- members --> text', 'x <!-- members -->']) {
      expect(DIVIDER_EXACT.test(near), near).toBe(false);
    }
  });

  it('is found in rendered HTML as a comment, never as escaped text in code', () => {
    expect(DIVIDER.test('<p>a</p>\n<!-- members -->\n<p>b</p>')).toBe(true);
    expect(DIVIDER.test('<pre><code>&lt;!-- members --&gt;</code></pre>')).toBe(false);
  });
});

describe('the sealed form of a gate', () => {
  const envelope = 'tf1.k1.AAAA_bbbb-CCCC.dddd';

  it('carries the tier, the post and the envelope, and gives the envelope back', () => {
    const html = `<p>Public.</p>${sealedGate('patron', 'a "quoted" & post', envelope)}<p>More.</p>`;
    const [gate, ...rest] = findMarkers(html, 'truefans-gate');
    expect(rest).toEqual([]);
    expect(gate!.attrs).toEqual({ 'data-tier': 'patron', 'data-post': 'a "quoted" & post' });
    expect(envelopeOf(gate!.inner)).toBe(envelope);
  });

  it('gives no envelope for anything but one sealed template', () => {
    expect(envelopeOf('<p>plaintext</p>')).toBeUndefined();
    expect(envelopeOf(`<template data-truefans-envelope>${envelope}</template><p>x</p>`)).toBeUndefined();
  });

  it('frames the envelope only; opening it refuses any character outside base64url as malformed', async () => {
    const garbage = 'tf1.abcdefgh.not base64!.dddd';
    expect(envelopeOf(`<template data-truefans-envelope>${garbage}</template>`)).toBe(garbage);
    const keyring = await createKeyring('k3J9vQxW2mZpL8rT5yN1bH6cF4dS7gA0eU2iO9wE3qR');
    const scope = { kind: 'content', post: 'p', tier: 'members' } as const;
    const real = await sealText(keyring, scope, '<p>members only</p>');
    await expect(openText(keyring, scope, real)).resolves.toBe('<p>members only</p>');
    for (const bad of [garbage.replace('abcdefgh', keyring.kid), `${real.slice(0, -2)}!${real.slice(-1)}`, `${real.slice(0, -2)}\u00e9${real.slice(-1)}`, `${real.slice(0, -2)}\u0141${real.slice(-1)}`]) {
      await expect(openText(keyring, scope, bad)).rejects.toMatchObject({ code: Errors.SealMalformed.code });
    }
  });

  it('lets the leak check skip every sealed envelope, and only those', () => {
    const html = `${sealedGate('members', 'p', envelope)} text ${sealedGate('patron', 'p', envelope)}`;
    expect(html.replace(SEALED_ENVELOPES, '')).toBe('<truefans-gate data-tier="members" data-post="p"></truefans-gate> text <truefans-gate data-tier="patron" data-post="p"></truefans-gate>');
    const plain = '<template data-truefans-envelope>the members-only words in the clear</template>';
    expect(plain.replace(SEALED_ENVELOPES, '')).toBe(plain);
  });
});
