// What a sync did to one product, price or portal configuration, and how `npm run stripe:sync` and
// `npm start` print it.

/** `unclaimed`: a recurring price in the account that no tier claims (read only; nothing was changed). */
export type ChangeKind = 'created' | 'updated' | 'unchanged' | 'unclaimed';

export interface Change {
  kind: ChangeKind;
  /** What it is, like `tier supporter (month)` or `product for tier supporter`. */
  what: string;
  detail: string;
}

export function formatChanges(changes: readonly Change[]): string {
  const lines = changes.filter((c) => c.kind !== 'unclaimed').map((c) => `${c.kind.padEnd(9)} ${c.what}: ${c.detail}`);
  const unclaimed = changes.filter((c) => c.kind === 'unclaimed');
  if (unclaimed.length) {
    lines.push(
      `${unclaimed.length} recurring price(s) in this account no tier claims (from Ghost, Substack or elsewhere). To count their subscribers as a tier, add the price or product id to that tier's \`also\` in site.yaml:`,
      ...unclaimed.map((c) => `  ${c.what}: ${c.detail}`),
    );
  }
  const count = (k: ChangeKind) => changes.filter((c) => c.kind === k).length;
  lines.push(`${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged.`);
  return lines.join('\n');
}
