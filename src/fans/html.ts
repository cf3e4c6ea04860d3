// The dashboard as one self-contained HTML page: opens offline, runs no script (its CSP allows none),
// light and dark by the reader's system setting. Every value from Stripe is escaped: a fan's name,
// email or cancellation comment is untrusted text.

import { escapeHtml } from '../core/http/html.ts';
import { renderCharts } from './charts.ts';
import type { Figures, Person } from './figures.ts';
import type { Format } from './format.ts';
import { summaryLines } from './summary.ts';

/** No script, no network: styles inline (Plot's SVGs carry their own), images only as data: URLs. */
export const DASHBOARD_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1b1f; --muted: #55555f; --line: #d8d8e0; --card: #f6f6f9; }
@media (prefers-color-scheme: dark) { :root { --bg: #141418; --fg: #ececf1; --muted: #b4b4c0; --line: #3a3a44; --card: #1e1e24; } }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; background: var(--bg); color: var(--fg); font: 16px/1.5 system-ui, sans-serif; }
h1 { margin-bottom: 0.25rem; } .goal { font-size: 1.25rem; margin-top: 0; }
ul.summary { list-style: none; padding: 0; } ul.summary li { padding: 0.15rem 0; }
section, figure { margin: 2rem 0; } figure { padding: 1rem; background: var(--card); border-radius: 8px; }
figcaption { color: var(--muted); } svg { --plot-background: var(--card); max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; } .note { color: var(--muted); }
`;

function table(caption: string, head: string[], rows: (string | number)[][], numeric: number[] = []): string {
  if (!rows.length) return `<p class="note">${escapeHtml(caption)}: none yet.</p>`;
  const cell = (tag: 'th' | 'td', value: string | number, i: number) => `<${tag}${numeric.includes(i) ? ' class="n"' : ''}${tag === 'th' ? ' scope="col"' : ''}>${escapeHtml(value)}</${tag}>`;
  return `<table><caption class="note">${escapeHtml(caption)}</caption><thead><tr>${head.map((h, i) => cell('th', h, i)).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v, i) => cell('td', v, i)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const tierName = (figures: Figures, tier: string | null) => (tier ? (figures.fansByTier.find((t) => t.tier === tier)?.name ?? tier) : '');
const who = (p: Person) => p.name ?? '';

/** The numbers behind each chart, as the chart's table. */
function chartTable(id: string, figures: Figures, f: Format): string {
  const c = figures.charts;
  switch (id) {
    case 'fans-over-time': {
      const months = [...new Set(c.fansOverTime.map((d) => d.month))];
      return table('Fans at the end of each month', ['Month', ...figures.fansByTier.map((t) => t.name)], months.map((m) => [m, ...figures.fansByTier.map((t) => f.count(c.fansOverTime.find((d) => d.month === m && d.tier === t.tier)?.fans ?? 0))]), figures.fansByTier.map((_, i) => i + 1));
    }
    case 'recurring-revenue':
      return table('Monthly recurring revenue at the end of each month', ['Month', 'A month'], c.recurringRevenue.map((d) => [d.month, f.money(d.mrr)]), [1]);
    case 'revenue': {
      const months = [...new Set(c.revenueByMonth.map((d) => d.month))];
      const of = (m: string, kind: string) => c.revenueByMonth.find((d) => d.month === m && d.kind === kind)?.amount ?? 0;
      return table('Revenue per month, after refunds', ['Month', 'Memberships', 'Purchases', 'Tips'], months.map((m) => [m, f.money(of(m, 'memberships')), f.money(of(m, 'purchases')), f.money(of(m, 'tips'))]), [1, 2, 3]);
    }
    case 'churn':
      return table('Churn per month', ['Month', 'Fans at the start', 'New', 'Lost', 'Churn'], c.churnByMonth.map((m) => [m.month, f.count(m.startFans), f.count(m.newFans), f.count(m.lostFans), m.churn === null ? '' : f.percent(m.churn)]), [1, 2, 3, 4]);
    case 'reasons':
      return table('Reasons given when cancelling', ['Reason', 'Fans'], c.cancellationReasons.map((r) => [r.reason, f.count(r.fans)]), [1]);
    case 'tenure':
      return table('How long fans have stayed', ['Stayed', 'Current fans', 'Former fans'], c.tenure.map((b) => [b.stayed, f.count(b.current), f.count(b.former)]), [1, 2]);
    default:
      return '';
  }
}

export function renderDashboard(figures: Figures, f: Format, site: { title: string; language?: string }): string {
  const charts = renderCharts(figures, f);
  const peopleRows = (people: Person[]) => people.map((p) => [who(p), p.email ?? '', tierName(figures, p.tier), f.date(p.fanSince)]);
  const lines = summaryLines(figures, f);
  const body = [
    `<header><h1>${escapeHtml(site.title)}: your fans</h1><p class="goal">${escapeHtml(lines[0]!)}</p><p class="note">As of ${escapeHtml(f.date(figures.now))}, read from Stripe.</p></header>`,
    `<main>`,
    `<section aria-labelledby="summary"><h2 id="summary">Summary</h2><ul class="summary">${lines.slice(2).map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul></section>`,
    ...charts.map(
      (c) =>
        `<figure aria-labelledby="${c.id}-title"><h2 id="${c.id}-title">${escapeHtml(c.title)}</h2>${c.svg}<figcaption>${escapeHtml(c.summary)}</figcaption>${
          c.id === 'goal' ? '' : `<details><summary>The numbers</summary>${chartTable(c.id, figures, f)}</details>`
        }</figure>`,
    ),
    `<section aria-labelledby="said"><h2 id="said">What fans said when they left</h2>${table('Comments from the billing portal, newest first', ['Date', 'Email', 'Tier', 'Reason', 'Comment'], figures.comments.map((c) => [f.date(c.at), c.email ?? '', tierName(figures, c.tier), c.feedback, c.comment]))}</section>`,
    `<section aria-labelledby="newest"><h2 id="newest">Newest fans</h2>${table('The ten newest fans', ['Name', 'Email', 'Tier', 'Fan since'], peopleRows(figures.tables.newest))}</section>`,
    `<section aria-labelledby="longest"><h2 id="longest">Longest-standing fans</h2>${table('The ten fans who have stayed longest', ['Name', 'Email', 'Tier', 'Fan since'], peopleRows(figures.tables.longestStanding))}</section>`,
    `<section aria-labelledby="risk"><h2 id="risk">Fans at risk</h2>${table('Fans whose payment is past due (Stripe is retrying the card)', ['Name', 'Email', 'Tier', 'Fan since'], peopleRows(figures.tables.atRisk))}</section>`,
    `<section aria-labelledby="biggest"><h2 id="biggest">Biggest supporters</h2>${table('The ten who have paid the most, after refunds', ['Name', 'Email', 'Tier', 'Paid in all'], figures.tables.biggestSupporters.map((p) => [who(p), p.email ?? '', tierName(figures, p.tier), f.money(p.totalPaid)]), [3])}</section>`,
    `<section aria-labelledby="posts"><h2 id="posts">Posts that brought fans</h2>${table('Joins and purchases by the page the fan started from', ['Page', 'Joins', 'Purchases'], figures.tables.posts.map((p) => [p.path, f.count(p.joins), f.count(p.purchases)]), [1, 2])}</section>`,
    `</main>`,
  ];
  return `<!doctype html>
<html lang="${escapeHtml(site.language ?? 'en')}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${DASHBOARD_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(site.title)}: your fans</title>
<style>${STYLE}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
