// The per-isolate memos are bounded by the bytes they hold, not by their number, and evict the least
// recently used first.

import { describe, expect, it } from 'vitest';
import { MEMO_BYTES } from '../../src/core/boot.ts';
import { ENTRY_OVERHEAD, Memo, stringBytes } from '../../src/core/memo.ts';

const cost = (key: string, valueBytes: number) => ENTRY_OVERHEAD + stringBytes(key) + valueBytes;

describe('Memo', () => {
  it('holds entries up to its bytes, counting keys and overhead, and evicts the least recently used', () => {
    const memo = new Memo<string>(3 * cost('a', 1000));
    memo.set('a', 'A', 1000);
    memo.set('b', 'B', 1000);
    memo.set('c', 'C', 1000);
    expect(memo.bytes).toBe(3 * cost('a', 1000));
    expect(memo.get('a')).toBe('A'); // now the most recent
    memo.set('d', 'D', 1000);
    expect(memo.get('b')).toBeUndefined();
    expect(memo.get('a')).toBe('A');
    expect(memo.get('c')).toBe('C');
    expect(memo.get('d')).toBe('D');
    expect(memo.size).toBe(3);
    expect(memo.bytes).toBeLessThanOrEqual(memo.maxBytes);
  });

  it('makes room for one large entry by evicting as many small ones as it takes', () => {
    const memo = new Memo<number>(10_000);
    for (let i = 0; i < 50; i++) memo.set(`k${i}`, i, 10);
    const before = memo.size;
    expect(before).toBeGreaterThan(40);
    memo.set('big', -1, 8000);
    expect(memo.get('big')).toBe(-1);
    expect(memo.bytes).toBeLessThanOrEqual(10_000);
    expect(memo.size).toBeLessThan(before);
    // The newest small ones survive, the oldest went first.
    expect(memo.get('k49')).toBe(49);
    expect(memo.get('k0')).toBeUndefined();
  });

  it('keeps nothing larger than itself, and replacing a key frees what the old value held', () => {
    const memo = new Memo<string>(1000);
    memo.set('huge', 'x', 5000);
    expect(memo.get('huge')).toBeUndefined();
    expect(memo.bytes).toBe(0);
    memo.set('k', 'one', 500);
    memo.set('k', 'two', 100);
    expect(memo.get('k')).toBe('two');
    expect(memo.bytes).toBe(cost('k', 100));
    memo.delete('k');
    expect(memo.get('k')).toBeUndefined();
    expect(memo.bytes).toBe(0);
    memo.delete('never-set');
    expect(memo.bytes).toBe(0);
  });

  it('stays within its bytes under a flood of distinct keys', () => {
    const memo = new Memo<string>(64 * 1024);
    for (let i = 0; i < 20_000; i++) memo.set(`token-${i}-${'x'.repeat(200)}`, 'session', 400);
    expect(memo.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(memo.size).toBe(Math.floor((64 * 1024) / cost(`token-19999-${'x'.repeat(200)}`, 400)));
  });

  it('with admitOnSecondUse, notes a key the first time and keeps its value from the second', () => {
    const memo = new Memo<string>(64 * 1024, { admitOnSecondUse: true });
    memo.set('a', 'first');
    expect(memo.get('a')).toBeUndefined();
    memo.set('a', 'second');
    expect(memo.get('a')).toBe('second');
    // note() answers whether a set would keep the value, noting the key when it would not.
    expect(memo.note('b')).toBe(false);
    expect(memo.note('b')).toBe(true);
    memo.set('b', 'kept');
    expect(memo.get('b')).toBe('kept');
    expect(memo.note('a')).toBe(true);
    // The noted keys have a budget of their own: a flood of keys seen once holds no values and stays small.
    for (let i = 0; i < 50_000; i++) memo.set(`once-${i}`, 'x'.repeat(1000), 2000);
    expect(memo.size).toBe(2);
    expect(memo.bytes).toBeLessThan(1024);
  });

  it('keeps a key of its own, not a slice of a larger string', async () => {
    // A slice can share its source's storage in V8: a memo keyed by slices of 1 MB pages would hold the
    // pages. Seen from outside: the heap after keeping 200 such keys grows by far less than 200 MB.
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const memo = new Memo<number>(8 * 1024 * 1024);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) {
      const page = `${i}:`.padEnd(1024 * 1024, 'x');
      memo.set(`${page.slice(0, 40)}\u0000${page.slice(-24)}`, i);
    }
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(20 * 1024 * 1024);
    expect(memo.size).toBe(200);
  });

  it('refuses a bound that is not a number of bytes', () => {
    expect(() => new Memo(Number.NaN)).toThrow(RangeError);
    expect(() => new Memo(-1)).toThrow(RangeError);
  });

  it('the isolate memos have byte budgets that together stay well inside an isolate', () => {
    const total = Object.values(MEMO_BYTES).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(32 * 1024 * 1024);
  });
});
