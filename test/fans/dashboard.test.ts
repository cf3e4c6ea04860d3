// The dashboard's numbers over a known history in the stand-in (history.ts): every summary figure and
// every chart's data, worked out by hand from the history, then the CSV and the HTML page from them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandIn } from '../../tools/stripe-local/index.ts';
import { computeFigures, type Figures } from '../../src/fans/figures.ts';
import { formatFor } from '../../src/fans/format.ts';
import { CSV_HEADER, csvText, renderCsv } from '../../src/fans/csv.ts';
import { renderWall, wallByTier } from '../../src/fans/wall.ts';
import { renderDashboard } from '../../src/fans/html.ts';
import { readFans, type FanData } from '../../src/fans/read.ts';
import { summaryLines } from '../../src/fans/summary.ts';
import { DAY, makeTier, pay, start } from '../tools/stripe-local/helpers.ts';
import { GIFT_KIND, GIFT_META, GIFT_SUBSCRIPTION_MARK } from '../../src/core/gifts/rules.ts';
import { buildHistory, HOSTILE_COMMENT, HOSTILE_NAME, SITE } from './history.ts';

let standIn: StandIn;
let data: FanData;
let figures: Figures;
const f = formatFor('usd', 'en');

beforeAll(async () => {
  const world = await start();
  standIn = world.standIn;
  await buildHistory(standIn, world.stripe);
  data = await readFans(world.stripe, Math.floor(standIn.clock.now() / 1000));
  figures = computeFigures(data, SITE);
}, 60_000);
afterAll(async () => {
  await standIn?.close();
});

const month = (m: string, tiers: [number, number]) => [
  { month: m, tier: 'listener', fans: tiers[0] },
  { month: m, tier: 'true-fan', fans: tiers[1] },
];
const revenue = (m: string, memberships: number, purchases: number, tips: number) => [
  { month: m, kind: 'memberships', amount: memberships },
  { month: m, kind: 'purchases', amount: purchases },
  { month: m, kind: 'tips', amount: tips },
];

describe('npm run fans: the figures', () => {
  it('reads every list in one call per 100 objects (one call each here)', () => {
    expect(data.calls).toEqual({ customers: 1, products: 1, prices: 1, subscriptions: 1, invoices: 1, checkouts: 1, refunds: 1 });
  });

  it('counts fans by tier, followers, recurring revenue, this month and last, trials, fans at risk and the goal', () => {
    // Alice (upgraded to True Fan) and Carol (trial converted) are True Fans; Gus a Listener, past due.
    expect(figures.fans).toBe(3);
    expect(figures.fansByTier).toEqual([
      { tier: 'listener', name: 'Listener', fans: 1 },
      { tier: 'true-fan', name: 'True Fan', fans: 2 },
    ]);
    expect(figures.followers).toBe(1);
    expect(figures.mrr).toBe(700 + 700 + 500);
    expect(figures.arr).toBe(1900 * 12);
    expect(figures.thisMonth).toEqual({ month: '2026-06', newFans: 0, lostFans: 0, startFans: 3, churn: 0 });
    expect(figures.lastMonth).toEqual({ month: '2026-05', newFans: 1, lostFans: 0, startFans: 2, churn: 0 });
    expect(figures.trials).toEqual({ started: 2, converted: 1, inTrial: 0, notConverted: 1 });
    expect(figures.atRisk).toBe(1);
    expect(figures.goal).toEqual({ fans: 3, fanGoal: 1000, yearly: 22_800, yearlyGoal: 7_000_000 });
    expect(figures.refunds).toBe(1200);
    expect(summaryLines(figures, f)).toEqual([
      '3 of 1,000 true fans; $228 of $70,000 a year',
      '',
      'Fans: 3 (Listener 1, True Fan 2)',
      'Followers: 1',
      'Recurring revenue: $19 a month, $228 a year',
      'This month (2026-06): 0 new, 0 lost, churn 0%',
      'Last month (2026-05): 1 new, 0 lost, churn 0%',
      'Trials: 2 started, 1 converted, 0 still in their trial, 1 ended without paying',
      'At risk (payment past due): 1',
    ]);
  });

  it("gives each chart's data", () => {
    const c = figures.charts;
    // Alice's upgrade shows from the invoice that bills it (April); Bob leaves in April, Gus joins in May.
    expect(c.fansOverTime).toEqual([...month('2026-03', [1, 2]), ...month('2026-04', [0, 2]), ...month('2026-05', [1, 2]), ...month('2026-06', [1, 2])]);
    // March: Alice's $5, Bob's $70 a year (583.33 a month), Carol's $7 after her trial.
    expect(c.recurringRevenue).toEqual([
      { month: '2026-03', mrr: 1783 },
      { month: '2026-04', mrr: 1400 },
      { month: '2026-05', mrr: 1900 },
      { month: '2026-06', mrr: 1900 },
    ]);
    // March: Alice 5 + Bob 70 + Carol 7 (trials bill $0); the songbook, refunded in April; a $10 tip.
    // June: Gus's renewal failed, so only Alice and Carol paid.
    expect(c.revenueByMonth).toEqual([...revenue('2026-03', 8200, 1200, 1000), ...revenue('2026-04', 1400, -1200, 0), ...revenue('2026-05', 1900, 0, 0), ...revenue('2026-06', 1400, 0, 0)]);
    expect(c.churnByMonth).toEqual([
      { month: '2026-03', newFans: 4, lostFans: 1, startFans: 0, churn: null },
      { month: '2026-04', newFans: 0, lostFans: 1, startFans: 3, churn: 1 / 3 },
      { month: '2026-05', newFans: 1, lostFans: 0, startFans: 2, churn: 0 },
      { month: '2026-06', newFans: 0, lostFans: 0, startFans: 3, churn: 0 },
    ]);
    expect(c.cancellationReasons).toEqual([
      { reason: 'Not using it enough', fans: 1 },
      { reason: 'Too expensive', fans: 1 },
    ]);
    expect(c.tenure).toEqual([
      { stayed: 'under 1 month', current: 0, former: 1 },
      { stayed: '1–2 months', current: 1, former: 1 },
      { stayed: '3–5 months', current: 2, former: 0 },
      { stayed: '6–11 months', current: 0, former: 0 },
      { stayed: '1–2 years', current: 0, former: 0 },
      { stayed: '2 years or more', current: 0, former: 0 },
    ]);
    expect(figures.comments).toEqual([{ email: 'dan@fans.example', tier: 'true-fan', feedback: 'Too expensive', comment: HOSTILE_COMMENT.trim(), at: Date.UTC(2026, 2, 8, 12) / 1000 }]);
  });

  it('fills the tables: newest, longest-standing, at risk, biggest supporters, posts that brought fans', () => {
    const t = figures.tables;
    expect(t.newest.map((p) => p.email)).toEqual(['gus@fans.example', 'alice@fans.example', 'carol@fans.example']);
    expect(t.longestStanding.map((p) => p.email)).toEqual(['carol@fans.example', 'alice@fans.example', 'gus@fans.example']);
    expect(t.atRisk.map((p) => [p.email, p.tier])).toEqual([['gus@fans.example', 'listener']]);
    expect(t.biggestSupporters.map((p) => [p.email, p.totalPaid])).toEqual([
      ['bob@fans.example', 7000],
      ['carol@fans.example', 2800],
      ['alice@fans.example', 2600],
      ['fay@fans.example', 1000],
      ['gus@fans.example', 500],
    ]);
    expect(t.posts).toEqual([
      { path: '/membership/', joins: 2, purchases: 0 },
      { path: '/posts/barn-one/', joins: 2, purchases: 0 },
      { path: '/posts/barn-two/', joins: 0, purchases: 2 },
      { path: '/posts/barn-three/', joins: 1, purchases: 0 },
    ]);
  });
});

describe('npm run fans -- --wall', () => {
  it("lists current fans' wall names per tier, highest first; a former fan's name leaves with them", async () => {
    expect(wallByTier(figures)).toEqual([{ tier: 'true-fan', name: 'True Fan', names: ['Alice, from Ames'] }]);
    expect(renderWall(figures)).toBe('True Fan (1)\nAlice, from Ames\n');
    const without = { ...figures, people: figures.people.map((p) => (p.email === 'alice@fans.example' ? { ...p, status: 'canceled' } : p)) };
    expect(renderWall(without)).toBe('No names on the supporter wall yet.\n');
  });
});

describe('npm run fans -- --csv', () => {
  it('writes a header and one row per fan, buyer and follower, with Stripe-held names defused', () => {
    const lines = renderCsv(figures).split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1)).toEqual([
      'alice@fans.example,Alice Ames,true-fan,active,2026-03-01,26.00,,no,"Alice, from Ames"',
      'bob@fans.example,Bob Brand,true-fan,canceled,2026-03-01,70.00,,no,',
      'carol@fans.example,Carol Cruz,true-fan,active,2026-03-01,28.00,,no,',
      'dan@fans.example,Dan Dove,true-fan,canceled,2026-03-01,0.00,,no,',
      'gus@fans.example,Gus Gray,listener,past_due,2026-05-05,5.00,,no,',
      'eve@fans.example,Eve Ek,,,,0.00,,no,',
      `fay@fans.example,"'=HYPERLINK(""x""),<img src=x onerror=alert(1)> ""Eve""",,,,10.00,,no,`,
      'follower@fans.example,Finn Follower,,,,0.00,,yes,',
    ]);
  });

  it('quotes commas, quotes and line breaks, and defuses every formula-leading character', () => {
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('two\nlines')).toBe('"two\nlines"');
    expect(csvText('=1+2')).toBe("'=1+2");
    expect(csvText('+1')).toBe("'+1");
    expect(csvText('-1')).toBe("'-1");
    expect(csvText('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvText('\t=1')).toBe("'\t=1");
    expect(csvText('\r=1')).toBe(`"'\r=1"`);
    expect(csvText(null)).toBe('');
    expect(csvText('Plain Name')).toBe('Plain Name');
  });
});

describe('npm run fans -- --html', () => {
  let html: string;
  beforeAll(() => {
    html = renderDashboard(figures, f, SITE);
  });

  it('has no script, and a CSP that allows none', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`);
    expect(html).not.toMatch(/(?:src|href)="https?:/);
  });

  it("escapes a fan's name and comment", () => {
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('=HYPERLINK(&quot;x&quot;),&lt;img src=x onerror=alert(1)&gt; &quot;Eve&quot;');
    expect(html).not.toContain('</td><script>');
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;alert(&quot;left&quot;)&lt;/script&gt; too much, sorry');
  });

  it('draws every chart as an SVG named by its summary, with the numbers beside it', () => {
    // A chart with a legend is Plot's <figure> holding the legend and the <svg>; it carries the name then.
    expect(html.match(/<(?:svg|figure) [^>]*role="img"/g)).toHaveLength(7);
    expect(html).toContain('aria-label="3 of 1,000 true fans (0.3%); $228 of $70,000 a year."');
    expect(html).toContain('aria-label="Why fans left: Not using it enough (1), Too expensive (1)."');
    for (const id of ['fans-over-time', 'recurring-revenue', 'revenue', 'churn', 'reasons', 'tenure', 'goal']) expect(html).toContain(`id="${id}-title"`);
    expect(html).toContain('<td>2026-04</td><td class="n">3</td><td class="n">0</td><td class="n">1</td><td class="n">33.3%</td>');
    expect(html).toContain('@media (prefers-color-scheme: dark)');
  });
});

describe('npm run fans -- --html in Chromium', () => {
  it('passes axe (WCAG 2.x A and AA) in light and dark, with no script running', async () => {
    const { launchBrowser } = await import('../e2e/browser.ts');
    const { axeCheck, describeFindings } = await import('../e2e/axe.ts');
    const browser = await launchBrowser();
    try {
      for (const colorScheme of ['light', 'dark'] as const) {
        // axe is injected as a script, so this context bypasses the page's CSP (which allows none).
        const context = await browser.newContext({ bypassCSP: true, colorScheme });
        const page = await context.newPage();
        await page.setContent(renderDashboard(figures, f, SITE));
        expect(await page.evaluate(() => document.scripts.length)).toBe(0);
        const findings = await axeCheck(page, `dashboard (${colorScheme})`);
        expect(describeFindings(findings)).toBe('');
        await context.close();
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('npm run fans: gift memberships, counted apart', () => {
  let gifted: Figures;
  let csv: string;
  beforeAll(async () => {
    const world = await start();
    try {
      const { stripe } = world;
      const trueFan = await makeTier(stripe, 'true-fan', 700, 7000);
      // A fan in the True Fan tier's 7-day trial: a trialing fan, as before.
      const join = await stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: trueFan.month.id, quantity: 1 }],
        success_url: 'https://maren.example/_truefans/checkout/complete?session_id={CHECKOUT_SESSION_ID}',
        metadata: { truefans_kind: 'tier', truefans_tier: 'true-fan', truefans_return: '/membership/' },
        subscription_data: { metadata: { truefans_tier: 'true-fan' }, trial_period_days: 7 },
      });
      expect((await pay(join, { email: 'trial@fans.example', name: 'Tia Trial' })).status).toBe(303);
      // A year of True Fan bought for a friend (the gift route's Checkout Session) and redeemed as the
      // redemption makes it: a free trial to the gift's end that cancels itself, marked truefans_gift.
      const gift = await stripe.checkout.sessions.create({
        mode: 'payment',
        customer_creation: 'always',
        line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 7000, product_data: { name: 'Gift: 1 year of True Fan, Maren Holt' } } }],
        success_url: 'https://maren.example/_truefans/checkout/complete?session_id={CHECKOUT_SESSION_ID}',
        metadata: { truefans_kind: GIFT_KIND, [GIFT_META.tier]: 'true-fan', [GIFT_META.months]: '12', truefans_return: '/_truefans/gift' },
      });
      expect((await pay(gift, { email: 'giver@fans.example', name: 'Gil Giver' })).status).toBe(303);
      const friend = await stripe.customers.create({ email: 'friend@fans.example', name: 'Fran Friend' });
      const until = Math.floor(world.standIn.clock.now() / 1000) + 365 * DAY;
      await stripe.subscriptions.create({
        customer: friend.id,
        items: [{ price: trueFan.year.id, quantity: 1 }],
        trial_end: until,
        trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
        cancel_at: until,
        metadata: { [GIFT_SUBSCRIPTION_MARK]: gift.id, truefans_tier: 'true-fan' },
      });
      gifted = computeFigures(await readFans(stripe, Math.floor(world.standIn.clock.now() / 1000)), SITE);
      csv = renderCsv(gifted);
    } finally {
      await world.standIn.close();
    }
  }, 60_000);

  it('counts the recipient as reading on a gift, never as a fan, a trial, a new fan or recurring revenue', () => {
    expect(gifted.fans).toBe(1);
    expect(gifted.fansByTier).toEqual([
      { tier: 'listener', name: 'Listener', fans: 0 },
      { tier: 'true-fan', name: 'True Fan', fans: 1 },
    ]);
    expect(gifted.trials).toEqual({ started: 1, converted: 0, inTrial: 1, notConverted: 0 });
    expect(gifted.thisMonth.newFans).toBe(1);
    expect(gifted.mrr).toBe(0);
    expect(gifted.gifts).toEqual({ bought: 1, reading: 1 });
    // The gift's price is a one-time sale of the month, and the buyer's.
    expect(gifted.charts.revenueByMonth).toEqual(revenue('2026-03', 0, 7000, 0));
    expect(gifted.people.find((p) => p.email === 'giver@fans.example')).toMatchObject({ status: 'none', totalPaid: 7000, purchases: 1 });
    expect(gifted.people.find((p) => p.email === 'friend@fans.example')).toMatchObject({ status: 'gift', tier: 'true-fan' });
  });

  it('says gift in the summary and in the CSV', () => {
    expect(summaryLines(gifted, f)).toContain('Gift memberships: 1 bought, 1 being read now (gift recipients are not counted as fans)');
    expect(summaryLines(gifted, f)).toContain('Trials: 1 started, 0 converted, 1 still in their trial, 0 ended without paying');
    expect(csv).toContain('\r\nfriend@fans.example,Fran Friend,true-fan,gift,2026-03-01,0.00,,no,\r\n');
    expect(csv).toContain('\r\ntrial@fans.example,Tia Trial,true-fan,trialing,2026-03-01,');
  });
});
