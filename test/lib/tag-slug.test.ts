import { describe, expect, it } from 'vitest';
import { tagSlug } from '../../src/lib/tag-slug.ts';

describe('tagSlug', () => {
  it('makes URL-safe slugs', () => {
    expect(tagSlug('Hollow Road')).toBe('hollow-road');
    expect(tagSlug('Café & Bar')).toBe('cafe-bar');
    expect(tagSlug('  tour ')).toBe('tour');
    expect(tagSlug('🎸')).toBe('%F0%9F%8E%B8');
  });
});
