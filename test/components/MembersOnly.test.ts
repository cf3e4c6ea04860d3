// src/components/MembersOnly.astro: a block that names no tier is for the post's tier (the gating
// contract's rule, src/core/gate/contract.ts gateTier), so its "this part is for ..." note must name
// the tier the build seals it for. A real `astro build` of a one-post site: an MDX post for patrons with a block that names
// no tier and one that names members.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMarkers } from '../../src/core/html/markers.ts';
import { buildSite, tempDir } from '../helpers/build-site.ts';

let out = '';

beforeAll(async () => {
  const content = join(tempDir('truefans-members-only-'), 'content');
  mkdirSync(join(content, 'posts'), { recursive: true });
  writeFileSync(
    join(content, 'site.yaml'),
    ['title: Label Fixture', 'url: https://label.example', 'author:', '  name: Fixture Author', 'tiers:', '  - id: supporter', '    name: Supporter', '    monthly: 5', '  - id: patron', '    name: Patron', '    yearly: 70', ''].join('\n'),
  );
  writeFileSync(
    join(content, 'posts/letter.mdx'),
    [
      '---',
      'title: A letter for patrons',
      'date: 2026-10-06',
      'description: The opening is public.',
      'access: patron',
      '---',
      'This opening paragraph is public for everyone.',
      '',
      '<MembersOnly>',
      'The first block names no tier, so it is for patrons like the post.',
      '</MembersOnly>',
      '',
      '<MembersOnly tier="members">',
      'The second block is for any paying member of the site.',
      '</MembersOnly>',
      '',
    ].join('\n'),
  );
  const result = await buildSite({ content });
  out = result.outDir;
  if (result.code !== 0) throw new Error(`astro build failed (${result.code}):\n${result.output}`);
}, 180_000);

afterAll(() => {
  if (out) rmSync(dirname(out), { recursive: true, force: true });
});

describe('MembersOnly', () => {
  it('labels a block that names no tier with the tier the seal gives it: the post’s own', () => {
    const html = readFileSync(join(out, 'posts/letter/index.html'), 'utf8');
    const gates = findMarkers(html, 'truefans-gate');
    const notes = findMarkers(html, 'truefans-locked').filter((m) => m.attrs['data-paywall'] === undefined);
    expect(gates.map((g) => g.attrs['data-tier'])).toEqual(['patron', 'members']);
    expect(notes.map((n) => n.attrs['data-tier'])).toEqual(['patron', 'members']);
    expect(notes[0]!.inner).toContain('This part is for Patron members');
    expect(notes[1]!.inner).toMatch(/This part is for members\b/);
  });
});
