// The Node server's in-memory store is bounded by the bytes it holds, the oldest written out first.

import { describe, expect, it } from 'vitest';
import { ENTRY_OVERHEAD } from '../../../src/core/memo.ts';
import { createMemoryStore } from '../../../src/adapters/node/memory-store.ts';

describe('createMemoryStore', () => {
  it('keeps what fits in its bytes and lets the oldest go, however many keys arrive', async () => {
    const entry = ENTRY_OVERHEAD + 2 * 'k0000'.length + 2 * 100;
    const store = createMemoryStore(Date.now, 10 * entry);
    for (let i = 0; i < 1000; i++) await store.put(`k${String(i).padStart(4, '0')}`, 'v'.repeat(100));
    expect(await store.get('k0999')).toBe('v'.repeat(100));
    expect(await store.get('k0990')).toBe('v'.repeat(100));
    expect(await store.get('k0989')).toBeNull();
    expect(await store.get('k0000')).toBeNull();
  });

  it('frees what a deleted or replaced key held', async () => {
    const entry = ENTRY_OVERHEAD + 2 * 2 + 2 * 100;
    const store = createMemoryStore(Date.now, 2 * entry);
    await store.put('a1', 'x'.repeat(100));
    await store.put('a1', 'y'.repeat(100));
    await store.delete('a1');
    await store.put('b1', 'x'.repeat(100));
    await store.put('c1', 'x'.repeat(100));
    expect(await store.get('b1')).not.toBeNull();
    expect(await store.get('c1')).not.toBeNull();
    expect(await store.putIfAbsent('c1', 'z')).toBe(false);
  });
});
