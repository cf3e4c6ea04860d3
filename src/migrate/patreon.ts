// Patreon's members CSV (Audience → Relationship manager → Export CSV): every member becomes a follower.
// Patreon's export holds no posts, and its members pay through Patreon, not through your Stripe account, so
// no subscription carries over: they must subscribe again here (docs/moving-in.md has a promotion code recipe).

import { parseCsv } from '../followers/csv.ts';
import { MigrateInputError, type SourceExport } from './types.ts';

export function readPatreon(csv: string, file: string): SourceExport {
  const rows = parseCsv(csv);
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  if (!header.includes('email')) throw new MigrateInputError(`${file}: no Email column; expected Patreon's members CSV (Relationship manager → Export CSV).`);
  const status = header.indexOf('patron status');
  const members = rows.slice(1).filter((r) => r.some((c) => c.trim()));
  const active = status >= 0 ? members.filter((r) => /active/i.test(r[status] ?? '')).length : 0;
  return {
    platform: 'patreon',
    posts: [],
    followersCsv: csv,
    subscribers: { free: members.length, skipped: 0 },
    notes: [
      `${members.length} Patreon member(s)${status >= 0 ? `, ${active} of them paying now,` : ''} become followers. They pay through Patreon, not your Stripe account, so their pledges do not carry over: to keep them as paying fans they subscribe again here. To honour them, make a promotion code (docs/moving-in.md, "Moving from Patreon") and email it to them.`,
      "Patreon's export holds no posts: copy the ones you want to keep into content/posts/ by hand.",
    ],
  };
}
