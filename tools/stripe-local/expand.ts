// `expand[]`: replaces ids by their objects along dotted paths (`subscription.latest_invoice`,
// `data.customer` on lists), up to Stripe's four levels, and fills includable fields like `line_items`.
import { invalidRequest } from './errors.ts';

export interface Expander {
  /** The object an id points at, ready to return, or undefined when the id is unknown. */
  resolve(id: string): Record<string, unknown> | undefined;
  /** Fields Stripe only returns when expanded, such as a checkout session's `line_items`. */
  include(owner: Record<string, unknown>, field: string): Record<string, unknown> | undefined;
}

const MAX_DEPTH = 4;

export function expandAll(value: Record<string, unknown>, paths: readonly string[], expander: Expander): Record<string, unknown> {
  for (const path of paths) {
    const parts = path.split('.');
    const depth = parts.filter((part) => part !== 'data').length;
    if (depth > MAX_DEPTH) {
      throw invalidRequest(
        `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`,
        'expand',
      );
    }
    expandPath(value, parts, path, expander);
  }
  return value;
}

function expandPath(owner: Record<string, unknown>, parts: string[], whole: string, expander: Expander): void {
  const [field, ...rest] = parts;
  if (field === undefined) return;
  if (owner.object === 'list' && field === 'data' && Array.isArray(owner.data)) {
    for (const item of owner.data as Record<string, unknown>[]) expandPath(item, rest, whole, expander);
    return;
  }
  if (!(field in owner)) {
    const included = expander.include(owner, field);
    if (!included) throw cannotExpand(field);
    owner[field] = included;
  }
  const current = owner[field];
  const expandOne = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const resolved = expander.resolve(value);
      if (!resolved) throw cannotExpand(field);
      if (rest.length > 0) expandPath(resolved, rest, whole, expander);
      return resolved;
    }
    if (value !== null && typeof value === 'object') {
      if (rest.length > 0) expandPath(value as Record<string, unknown>, rest, whole, expander);
      return value;
    }
    if (value === null) return null;
    throw cannotExpand(field);
  };
  owner[field] = Array.isArray(current) ? current.map(expandOne) : expandOne(current);
}

function cannotExpand(field: string) {
  return invalidRequest(`This property cannot be expanded (${field}).`, 'expand');
}
