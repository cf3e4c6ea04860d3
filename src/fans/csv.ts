// Every fan and follower as CSV (RFC 4180: comma-separated, CRLF, quotes doubled). A fan's name or wall
// name is untrusted text: a cell a spreadsheet would run as a formula (starting with = + - @, a tab or a
// carriage return) is written with a leading apostrophe, OWASP's advice against CSV injection.

import { fromMinorUnits, minorExponent } from '../core/money.ts';
import type { Figures } from './figures.ts';

export const CSV_HEADER = ['email', 'name', 'tier', 'status', 'fan_since', 'total_paid', 'country', 'follower', 'wall_name'] as const;

/** A text cell: defused when a spreadsheet would read it as a formula, quoted when it needs to be. */
export function csvText(value: string | null): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderCsv(figures: Figures): string {
  const digits = minorExponent(figures.currency);
  const rows = figures.people.map((p) =>
    [
      csvText(p.email),
      csvText(p.name),
      csvText(p.tier),
      p.status === 'none' ? '' : p.status,
      p.fanSince === null ? '' : new Date(p.fanSince * 1000).toISOString().slice(0, 10),
      fromMinorUnits(p.totalPaid, figures.currency).toFixed(digits),
      csvText(p.country),
      p.follower ? 'yes' : 'no',
      csvText(p.wallName),
    ].join(','),
  );
  return [CSV_HEADER.join(','), ...rows].join('\r\n') + '\r\n';
}
