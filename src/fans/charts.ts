// The dashboard's charts as SVG text, drawn by Observable Plot on the server into linkedom's document:
// the page needs no script to show them. Each chart carries its summary sentence as its accessible name.

import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { fromMinorUnits, toMinorUnits } from '../core/money.ts';
import type { Figures } from './figures.ts';

export interface Chart {
  id: string;
  title: string;
  /** One sentence saying what the chart shows, for readers who cannot see it. */
  summary: string;
  svg: string;
}

const { document } = parseHTML('<!doctype html><html><body></body></html>');

/** Every third month labelled, so two years of months stay readable. */
const monthTicks = (months: string[]) => months.filter((_, i) => i % Math.max(1, Math.ceil(months.length / 8)) === 0);
const toDate = (month: string) => new Date(`${month}-01T00:00:00Z`);

function render(options: Plot.PlotOptions, summary: string): string {
  const svg = Plot.plot({ document, width: 720, height: 300, marginLeft: 60, style: { background: 'transparent', color: 'inherit' }, ...options } as Plot.PlotOptions) as unknown as Element;
  // Plot names its marks' groups (`<g aria-label="bar">`), which ARIA forbids on an element with no role; the
  // chart as a whole is one image, named by its summary.
  for (const el of svg.querySelectorAll('[aria-label], [aria-description]')) {
    el.removeAttribute('aria-label');
    el.removeAttribute('aria-description');
  }
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', summary);
  return svg.outerHTML;
}

export function renderCharts(figures: Figures, format: { money: (minor: number) => string; percent: (n: number) => string }): Chart[] {
  const major = (minor: number) => fromMinorUnits(minor, figures.currency);
  const moneyTick = (value: number) => format.money(toMinorUnits(value, figures.currency));
  const months = [...new Set(figures.charts.churnByMonth.map((m) => m.month))];
  const last = figures.charts.recurringRevenue[figures.charts.recurringRevenue.length - 1];
  const totalFans = figures.fans;
  const charts: Chart[] = [];

  const fansSummary = `Fans at the end of each month from ${months[0]} to ${months[months.length - 1]}, by tier; now ${totalFans.toLocaleString('en-US')}.`;
  charts.push({
    id: 'fans-over-time',
    title: 'Fans over time, by tier',
    summary: fansSummary,
    svg: render(
      {
        x: { type: 'band', label: null, domain: months, ticks: monthTicks(months) },
        y: { grid: true, label: 'Fans' },
        color: { legend: true, scheme: 'tableau10', domain: figures.fansByTier.map((t) => t.name) },
        marks: [Plot.barY(figures.charts.fansOverTime.map((d) => ({ ...d, name: figures.fansByTier.find((t) => t.tier === d.tier)?.name ?? d.tier })), { x: 'month', y: 'fans', fill: 'name' }), Plot.ruleY([0])],
      },
      fansSummary,
    ),
  });

  const mrrSummary = `Monthly recurring revenue at the end of each month; now ${format.money(last?.mrr ?? 0)} a month.`;
  charts.push({
    id: 'recurring-revenue',
    title: 'Recurring revenue over time',
    summary: mrrSummary,
    svg: render(
      {
        x: { type: 'utc', label: null },
        y: { grid: true, label: 'A month', tickFormat: moneyTick },
        marks: [Plot.lineY(figures.charts.recurringRevenue, { x: (d: { month: string }) => toDate(d.month), y: (d: { mrr: number }) => major(d.mrr), stroke: 'currentColor', marker: 'circle' }), Plot.ruleY([0])],
      },
      mrrSummary,
    ),
  });

  const totals = { memberships: 0, purchases: 0, tips: 0 };
  for (const d of figures.charts.revenueByMonth) totals[d.kind] += d.amount;
  const revenueSummary = `Revenue per month after refunds, split into memberships (${format.money(totals.memberships)} in all), purchases (${format.money(totals.purchases)}) and tips (${format.money(totals.tips)}).`;
  charts.push({
    id: 'revenue',
    title: 'Revenue per month',
    summary: revenueSummary,
    svg: render(
      {
        x: { type: 'band', label: null, domain: months, ticks: monthTicks(months) },
        y: { grid: true, label: 'Revenue', tickFormat: moneyTick },
        color: { legend: true, scheme: 'tableau10', domain: ['memberships', 'purchases', 'tips'] },
        marks: [Plot.barY(figures.charts.revenueByMonth, { x: 'month', y: (d: { amount: number }) => major(d.amount), fill: 'kind' }), Plot.ruleY([0])],
      },
      revenueSummary,
    ),
  });

  const churned = figures.charts.churnByMonth.filter((m) => m.churn !== null);
  const worst = churned.reduce<(typeof churned)[number] | undefined>((a, b) => (!a || b.churn! > a.churn! ? b : a), undefined);
  const churnSummary = worst
    ? `Churn per month (fans lost over fans at the start of the month); the highest was ${format.percent(worst.churn!)} in ${worst.month}.`
    : 'Churn per month: no month has started with fans yet.';
  charts.push({
    id: 'churn',
    title: 'Churn per month',
    summary: churnSummary,
    svg: render(
      {
        x: { type: 'band', label: null, domain: months, ticks: monthTicks(months) },
        y: { grid: true, label: 'Churn', percent: true },
        marks: [Plot.barY(churned, { x: 'month', y: 'churn', fill: 'currentColor' }), Plot.ruleY([0])],
      },
      churnSummary,
    ),
  });

  const reasons = figures.charts.cancellationReasons;
  const reasonsSummary = reasons.length ? `Why fans left: ${reasons.map((r) => `${r.reason} (${r.fans})`).join(', ')}.` : 'No fan has cancelled.';
  charts.push({
    id: 'reasons',
    title: 'Why fans cancelled',
    summary: reasonsSummary,
    svg: render(
      {
        height: 60 + 30 * Math.max(1, reasons.length),
        marginLeft: 220,
        x: { grid: true, label: 'Fans' },
        y: { label: null, domain: reasons.map((r) => r.reason) },
        marks: [Plot.barX(reasons, { x: 'fans', y: 'reason', fill: 'currentColor' }), Plot.ruleX([0])],
      },
      reasonsSummary,
    ),
  });

  const tenureRows = figures.charts.tenure.flatMap((b) => [
    { stayed: b.stayed, who: 'current fans', fans: b.current },
    { stayed: b.stayed, who: 'former fans', fans: b.former },
  ]);
  const tenureSummary = `How long fans have stayed: ${figures.charts.tenure.map((b) => `${b.stayed}: ${b.current} current, ${b.former} former`).join('; ')}.`;
  charts.push({
    id: 'tenure',
    title: 'How long fans have stayed',
    summary: tenureSummary,
    svg: render(
      {
        x: { type: 'band', label: null, domain: figures.charts.tenure.map((b) => b.stayed) },
        y: { grid: true, label: 'Fans' },
        color: { legend: true, scheme: 'tableau10', domain: ['current fans', 'former fans'] },
        marks: [Plot.barY(tenureRows, { x: 'stayed', y: 'fans', fill: 'who' }), Plot.ruleY([0])],
      },
      tenureSummary,
    ),
  });

  const goal = figures.goal;
  const goalSummary = `${goal.fans.toLocaleString('en-US')} of ${goal.fanGoal.toLocaleString('en-US')} true fans (${format.percent(goal.fans / goal.fanGoal)}); ${format.money(goal.yearly)} of ${format.money(goal.yearlyGoal)} a year.`;
  charts.push({
    id: 'goal',
    title: 'The goal',
    summary: goalSummary,
    svg: render(
      {
        height: 110,
        marginLeft: 80,
        x: { domain: [0, 1], percent: true, label: 'Of the goal', grid: true },
        y: { label: null, domain: ['Fans', 'A year'] },
        marks: [
          Plot.barX([{ what: 'Fans', share: 1 }, { what: 'A year', share: 1 }], { x: 'share', y: 'what', fillOpacity: 0.15, fill: 'currentColor' }),
          Plot.barX(
            [
              { what: 'Fans', share: Math.min(1, goal.fans / goal.fanGoal) },
              { what: 'A year', share: goal.yearlyGoal ? Math.min(1, goal.yearly / goal.yearlyGoal) : 0 },
            ],
            { x: 'share', y: 'what', fill: 'currentColor' },
          ),
        ],
      },
      goalSummary,
    ),
  });
  return charts;
}
