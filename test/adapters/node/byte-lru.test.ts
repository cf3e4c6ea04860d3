// The byte-bounded LRU the Node server keeps files and compressed bodies in: bounded by bytes, not count.

import { describe, expect, it } from 'vitest';
import { ByteLru } from '../../../src/adapters/node/byte-lru.ts';

describe('ByteLru', () => {
  it('stays within its bytes, evicting the least recently used first', () => {
    const lru = new ByteLru<object>(4 * 1024);
    const kb = () => new Uint8Array(1000);
    lru.set('a', kb(), 1000);
    lru.set('b', kb(), 1000);
    lru.set('c', kb(), 1000);
    expect(lru.get('a')).toBeDefined(); // a is now the most recently used
    lru.set('d', kb(), 1000); // 4 x (1000 + overhead) > 4 KB: the oldest, b, goes
    expect(lru.bytes).toBeLessThanOrEqual(4 * 1024);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBeDefined();
    expect(lru.get('c')).toBeDefined();
    expect(lru.get('d')).toBeDefined();
  });

  it('counts a replaced entry once, frees a deleted one, and never keeps what cannot fit', () => {
    const lru = new ByteLru<object>(10_000);
    lru.set('a', {}, 3000);
    const one = lru.bytes;
    lru.set('a', {}, 3000);
    expect(lru.bytes).toBe(one);
    lru.delete('a');
    expect(lru.bytes).toBe(0);
    lru.set('small', {}, 100);
    lru.set('huge', {}, 20_000);
    expect(lru.get('huge')).toBeUndefined();
    expect(lru.get('small')).toBeDefined();
    expect(() => new ByteLru(Number.NaN)).toThrow(/number of bytes/);
  });
});
