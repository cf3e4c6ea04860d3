// docs/content-reference.md is generated from the schemas; it must match what `npm run docs` writes now,
// so a field added or reworded in a schema without regenerating the docs fails here.

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { REFERENCE_FILE, renderContentReference } from '../../src/config/content-reference.ts';
import { siteSchema } from '../../src/config/site-schema.ts';

it('docs/content-reference.md is what npm run docs generates (run it after changing a schema)', () => {
  expect(readFileSync(REFERENCE_FILE, 'utf8')).toBe(renderContentReference());
});

it('documents every site.yaml field, nested ones included', () => {
  const text = renderContentReference();
  for (const key of Object.keys(siteSchema.shape)) expect(text).toContain(`| \`${key}\` |`);
  for (const nested of ['tiers[].trial_days', 'offers[].file', 'author.avatar', 'pay_what_you_want.suggested', 'links[].url']) expect(text).toContain(`| \`${nested}\` |`);
});
