// What a sync did to one product, price or portal configuration, and how `npm run stripe:sync` and
// `npm start` print it.

export type ChangeKind = 'created' | 'updated' | 'unchanged';

export interface Change {
  kind: ChangeKind;
  /** What it is, like `tier supporter (month)` or `product for tier supporter`. */
  what: string;
  detail: string;
}

export function formatChanges(changes: readonly Change[]): string {
  const lines = changes.map((c) => `${c.kind.padEnd(9)} ${c.what}: ${c.detail}`);
  const count = (k: ChangeKind) => changes.filter((c) => c.kind === k).length;
  lines.push(`${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged.`);
  return lines.join('\n');
}
