// `npm run followers -- import FILE.csv`: brings a list of readers who opted in elsewhere (a Substack,
// Ghost, Patreon or Mailchimp export) onto Stripe as followers. A dry run unless `apply`; re-running changes
// nothing (an address with a customer is marked, never made twice; one that is already a follower is left
// alone). Imported followers carry `truefans_imported` with the source, and an import never turns post
// emails back on for someone who unsubscribed here.

import type Stripe from 'stripe';
import { EMAIL_ADDRESS } from '../core/email/address.ts';
import { IMPORTED_KEY, isFollower } from '../core/follower-marks.ts';
import { createFollower, markFollowers } from '../billing/stripe/followers.ts';
import { normalEmail } from '../billing/stripe/fans.ts';
import { detectColumns, type Source } from './columns.ts';
import { customersByAddress } from './customers.ts';
import { parseCsv } from './csv.ts';
import type { Progress } from './progress.ts';

export interface ImportCounts {
  source: Source;
  /** Addresses with no customer: a follower customer is (or would be) made. */
  new: number;
  /** Addresses with a customer: marked as following (or already following). */
  existing: number;
  /** Rows whose email cell is not an address, with their line numbers (at most 20 listed). */
  invalid: number;
  invalidLines: number[];
  /** The same address again further down the file. */
  duplicate: number;
  /** Rows the source marks as not getting email. */
  optedOut: number;
}

export class ImportFileError extends Error {}

export async function importFollowers(stripe: Stripe, csv: string, options: { apply: boolean; nowMs: number; file: string; progress?: (total: number) => Progress }): Promise<ImportCounts> {
  const rows = parseCsv(csv);
  const columns = detectColumns(rows);
  if ('error' in columns) throw new ImportFileError(`${options.file}: ${columns.error}`);
  const counts: ImportCounts = { source: columns.source, new: 0, existing: 0, invalid: 0, invalidLines: [], duplicate: 0, optedOut: 0 };
  const seen = new Set<string>();
  const wanted: string[] = [];
  rows.forEach((row, i) => {
    if (i === 0 && columns.header) return;
    const email = normalEmail(row[columns.email] ?? '');
    if (!EMAIL_ADDRESS.test(email)) {
      counts.invalid += 1;
      if (counts.invalidLines.length < 20) counts.invalidLines.push(i + 1);
    } else if (columns.optedOut(row)) counts.optedOut += 1;
    else if (seen.has(email)) counts.duplicate += 1;
    else {
      seen.add(email);
      wanted.push(email);
    }
  });
  const index = await customersByAddress(stripe);
  const extra = { [IMPORTED_KEY]: columns.source };
  const bar = options.progress?.(wanted.length);
  let done = 0;
  for (const email of wanted) {
    const customers = index.get(email) ?? [];
    if (customers.length) {
      counts.existing += 1;
      const toMark = customers.filter((c) => !isFollower(c.metadata));
      if (options.apply && toMark.length) await markFollowers(stripe, toMark, email, options.nowMs, { reopen: false, extra });
    } else {
      counts.new += 1;
      if (options.apply) await createFollower(stripe, email, options.nowMs, { reopen: false, extra });
    }
    bar?.tick(++done);
  }
  bar?.end();
  return counts;
}

export function describeImport(counts: ImportCounts, apply: boolean): string {
  const lines = [
    `Read a ${counts.source === 'csv' ? 'CSV' : `${counts.source[0]!.toUpperCase()}${counts.source.slice(1)} export`}.`,
    `${counts.new} new follower(s)${apply ? ' added' : ' to add'}, ${counts.existing} existing customer(s)${apply ? ' marked as following' : ' to mark as following'} (already following: unchanged).`,
    `${counts.invalid} invalid row(s)${counts.invalidLines.length ? ` (line ${counts.invalidLines.join(', ')}${counts.invalid > counts.invalidLines.length ? ', ...' : ''})` : ''}, ${counts.duplicate} duplicate(s), ${counts.optedOut} not getting email at the source (skipped).`,
  ];
  if (!apply) lines.push('This was a dry run: nothing was written. Run it again with --apply to add them.');
  else lines.push('Imported followers opted in elsewhere: you are responsible for having their consent to email them.');
  return lines.join('\n');
}
