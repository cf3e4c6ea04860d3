// The progress of a send: the estimate's arithmetic (handled, rate, share, time left) and what the creator
// sees without a terminal (a plain line per ten seconds of sending) and with one (one line redrawn).

import { describe, expect, it } from 'vitest';
import { duration, estimate, progressLine, progressReporter } from '../../src/send/progress.ts';
import type { Progress } from '../../src/send/send.ts';

const at = (elapsedMs: number, sent: number, extra: Partial<Progress> = {}): Progress => ({ sent, failed: 0, earlier: 0, uncertain: 0, elapsedMs, ...extra });

describe('the estimate', () => {
  it('counts what earlier runs handled as done, and takes the rate from this run alone', () => {
    const e = estimate(at(10_000, 290, { failed: 10, earlier: 200 }), 1000);
    expect(e.handled).toBe(500);
    expect(e.perSecond).toBe(30);
    expect(e.share).toBe(0.5);
    // 500 left at 30 a second.
    expect(e.leftMs).toBeCloseTo((500 / 30) * 1000, 6);
  });

  it('never goes below zero when more readers came than expected, and says nothing it cannot know', () => {
    expect(estimate(at(5_000, 1200), 1000)).toEqual({ handled: 1200, perSecond: 240, share: 1, leftMs: 0 });
    expect(estimate(at(5_000, 100), undefined)).toEqual({ handled: 100, perSecond: 20 });
    // Before the first batch there is no rate, so no time left.
    expect(estimate(at(0, 0, { earlier: 100 }), 1000)).toEqual({ handled: 100, perSecond: 0, share: 0.1 });
  });

  it('writes durations as seconds, then minutes and seconds', () => {
    expect([duration(400), duration(59_400), duration(59_600), duration(61_000), duration(3_725_000)]).toEqual(['0s', '59s', '1m00s', '1m01s', '62m05s']);
  });
});

describe('progress lines', () => {
  it('show a bar, the counts, the rate and the time left', () => {
    expect(progressLine('blocks', at(10_000, 300, { earlier: 200, failed: 2 }), 1000)).toBe('blocks: [############............] 502 of about 1000 · 300 sent, 2 failed, 200 done before · 30/s · about 16s left');
    expect(progressLine('blocks', at(10_000, 300), undefined)).toBe('blocks: 300 sent, 0 failed · 30/s');
  });

  it('without a terminal: one plain line per ten seconds of sending, none in between', () => {
    const out: string[] = [];
    const r = progressReporter({ tty: false, write: (t) => out.push(t), expected: 400 });
    for (const [ms, sent] of [[2_000, 100], [9_000, 150], [10_000, 200], [15_000, 250], [21_000, 300], [35_000, 400]] as const) r.update('blocks', at(ms, sent));
    r.clear();
    expect(out).toEqual([
      'blocks: [############............] 200 of about 400 · 200 sent, 0 failed · 20/s · about 10s left\n',
      'blocks: [##################......] 300 of about 400 · 300 sent, 0 failed · 14/s · about 7s left\n',
      'blocks: [########################] 400 of about 400 · 400 sent, 0 failed · 11/s · about 0s left\n',
    ]);
    // A second post starts its own ten seconds.
    r.update('divider', at(3_000, 10));
    r.update('divider', at(10_500, 20));
    // 20 in 10.5 s: 380 left at 1.9 a second.
    expect(out.at(-1)).toBe('divider: [#.......................] 20 of about 400 · 20 sent, 0 failed · 2/s · about 3m20s left\n');
  });

  it('on a terminal: the same line redrawn in place at every batch, cleared before the summary', () => {
    const out: string[] = [];
    const r = progressReporter({ tty: true, write: (t) => out.push(t) });
    r.update('blocks', at(1_000, 100));
    r.update('blocks', at(2_000, 200));
    r.clear();
    expect(out).toEqual(['\r\x1b[2Kblocks: 100 sent, 0 failed · 100/s', '\r\x1b[2Kblocks: 200 sent, 0 failed · 100/s', '\r\x1b[2K']);
  });
});
