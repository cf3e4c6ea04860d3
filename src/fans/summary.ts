// The summary `npm run fans` prints: the figures a creator checks most, as plain text lines.

import type { Figures, MonthFigures } from './figures.ts';
import type { Format } from './format.ts';

/** "312 of 1,000 true fans; $21,840 of $70,000 a year". */
export function goalLine(figures: Figures, f: Format): string {
  const { goal } = figures;
  return `${f.count(goal.fans)} of ${f.count(goal.fanGoal)} true fans; ${f.money(goal.yearly)} of ${f.money(goal.yearlyGoal)} a year`;
}

function monthLine(label: string, m: MonthFigures, f: Format): string {
  const churn = m.churn === null ? 'no churn rate (no fans at its start)' : `churn ${f.percent(m.churn)}`;
  return `${label} (${m.month}): ${f.count(m.newFans)} new, ${f.count(m.lostFans)} lost, ${churn}`;
}

export function summaryLines(figures: Figures, f: Format): string[] {
  const t = figures.trials;
  return [
    goalLine(figures, f),
    '',
    `Fans: ${f.count(figures.fans)}${figures.fansByTier.length ? ` (${figures.fansByTier.map((x) => `${x.name} ${f.count(x.fans)}`).join(', ')})` : ''}`,
    `Followers: ${f.count(figures.followers)}`,
    `Recurring revenue: ${f.money(figures.mrr)} a month, ${f.money(figures.arr)} a year`,
    monthLine('This month', figures.thisMonth, f),
    monthLine('Last month', figures.lastMonth, f),
    `Trials: ${f.count(t.started)} started, ${f.count(t.converted)} converted, ${f.count(t.inTrial)} still in their trial, ${f.count(t.notConverted)} ended without paying`,
    // Only on a site that has sold gifts: recipients are counted here, never among the fans or trials above.
    ...(figures.gifts.bought || figures.gifts.reading ? [`Gift memberships: ${f.count(figures.gifts.bought)} bought, ${f.count(figures.gifts.reading)} being read now (gift recipients are not counted as fans)`] : []),
    `At risk (payment past due): ${f.count(figures.atRisk)}`,
  ];
}
