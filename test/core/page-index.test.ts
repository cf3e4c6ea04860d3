// pageIndex (src/core/context.ts): keys already canonical skip the fold; the index must be exactly what
// folding every key would give, or a spelling of a gated page could miss its gate.

import { describe, expect, it } from 'vitest';
import { pageIndex } from '../../src/core/context.ts';
import { canonicalPath } from '../../src/core/http/canonical-path.ts';
import type { Manifest } from '../../src/core/manifest.ts';

const manifestOf = (keys: string[]) => ({ pages: Object.fromEntries(keys.map((k) => [k, { post: k, title: k, access: ['members'] }])) }) as unknown as Manifest;

describe('pageIndex', () => {
  it('gives the same index as folding every key with canonicalPath', () => {
    const alphabet = 'abcz09-_./\\%2EAZ index.html';
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const keys = ['/', '/posts/winter-tour/', '/posts/Winter/', '/posts/a/index.html', '/posts/a.html', '/posts//a/', '/posts/%61/', '/posts/a', '/posts/a./', '/posts/../b/'];
    for (let i = 0; i < 5000; i++) {
      let key = '/';
      const length = 1 + Math.floor(random() * 20);
      for (let j = 0; j < length; j++) key += alphabet[Math.floor(random() * alphabet.length)];
      keys.push(random() < 0.5 ? `${key}/` : key);
    }
    const manifest = manifestOf(keys);
    const expected = new Map<string, string>();
    for (const key of Object.keys(manifest.pages)) expected.set(canonicalPath(key), key);
    expect(pageIndex(manifest)).toEqual(expected);
  });

  it('keys the build writes (lowercase slugs, a slash after each) index as themselves', () => {
    const index = pageIndex(manifestOf(['/posts/winter-tour/', '/', '/members_only/2024/']));
    expect([...index]).toEqual([
      ['/posts/winter-tour/', '/posts/winter-tour/'],
      ['/', '/'],
      ['/members_only/2024/', '/members_only/2024/'],
    ]);
  });
});
