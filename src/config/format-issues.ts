// Folds Zod issues into messages a creator can act on: the file, the path of the field, what was
// expected and what was found, one line each. Example:
//   content/site.yaml: tiers[1].monthly: expected a positive number, got "five"

import type { z } from 'zod';

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function render(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid date' : value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map of fields';
  return String(value);
}

/** Only plain values are worth echoing; "got a map of fields" helps nobody. */
function isShown(value: unknown): boolean {
  return value === null || value instanceof Date || (typeof value !== 'object' && typeof value !== 'function');
}

/** Levenshtein distance, for "did you mean" and for spotting near-misses of a keyword. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = next;
    }
  }
  return row[b.length]!;
}

function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const option of options) {
    const score = editDistance(word.toLowerCase(), option.toLowerCase());
    if (score < bestScore) [best, bestScore] = [option, score];
  }
  return best;
}

export interface FormatOptions {
  /** Field names allowed at each object path, for "did you mean" on unknown fields. */
  knownKeys?: (path: readonly PropertyKey[]) => readonly string[];
}

export function formatIssue(file: string, issue: z.core.$ZodIssue, options: FormatOptions = {}): string[] {
  const where = (path: readonly PropertyKey[]) => (path.length ? `${file}: ${formatPath(path)}: ` : `${file}: `);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const guess = closest(key, options.knownKeys?.(issue.path) ?? []);
      return `${where([...issue.path, key])}unknown field${guess ? `; did you mean "${guess}"?` : '; remove it'}`;
    });
  }
  const hasInput = 'input' in issue;
  const missing = issue.code === 'invalid_type' && hasInput && issue.input === undefined;
  let message = issue.message;
  if (missing) message = `${message.replace(/, got .*$/, '')}, but it is missing`;
  else if (hasInput && isShown(issue.input) && !/, got /.test(message)) message = `${message}, got ${render(issue.input)}`;
  return [`${where(issue.path)}${message}`];
}

export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[], options: FormatOptions = {}): string[] {
  return issues.flatMap((issue) => formatIssue(file, issue, options));
}
