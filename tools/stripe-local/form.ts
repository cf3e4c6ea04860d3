// Reads Stripe's form encoding (`a[b][c]=`, `a[0]=`, `expand[]=`) into plain values, and checks them
// the way Stripe does: typed getters that throw Stripe's own 400s naming the parameter.
import qs from 'qs';
import { invalidParam, missingParam, unknownParam } from './errors.ts';

export type Params = Record<string, unknown>;

export function parseForm(text: string): Params {
  return qs.parse(text, { depth: 10, arrayLimit: 1000, parameterLimit: 10000, allowDots: false }) as Params;
}

/** The display name of a nested parameter: `subscription_data[trial_period_days]`. */
export function paramName(path: readonly string[]): string {
  const [head, ...rest] = path;
  return (head ?? '') + rest.map((part) => `[${part}]`).join('');
}

/** Rejects parameters the endpoint does not know, as Stripe does; `expand` is always allowed. */
export function allowOnly(params: Params, known: readonly string[], prefix: readonly string[] = []): void {
  for (const key of Object.keys(params)) {
    if (key === 'expand' && prefix.length === 0) continue;
    if (!known.includes(key)) throw unknownParam(paramName([...prefix, key]));
  }
}

function at(params: Params, path: readonly string[]): unknown {
  let value: unknown = params;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function asPath(name: string | readonly string[]): readonly string[] {
  return typeof name === 'string' ? [name] : name;
}

export function has(params: Params, name: string | readonly string[]): boolean {
  return at(params, asPath(name)) !== undefined;
}

export function str(params: Params, name: string | readonly string[]): string | undefined {
  const path = asPath(name);
  const value = at(params, path);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw invalidParam(paramName(path), `Invalid string: ${JSON.stringify(value)}`, 'parameter_invalid_string');
  }
  return value;
}

export function requiredStr(params: Params, name: string | readonly string[]): string {
  const value = str(params, name);
  if (value === undefined || value === '') throw missingParam(paramName(asPath(name)));
  return value;
}

export function int(params: Params, name: string | readonly string[]): number | undefined {
  const path = asPath(name);
  const value = str(params, path);
  if (value === undefined || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) {
    throw invalidParam(paramName(path), `Invalid integer: ${value}`, 'parameter_invalid_integer');
  }
  return Number(value);
}

export function bool(params: Params, name: string | readonly string[]): boolean | undefined {
  const path = asPath(name);
  const value = str(params, path);
  if (value === undefined || value === '') return undefined;
  if (value !== 'true' && value !== 'false') {
    throw invalidParam(paramName(path), `Invalid boolean: ${value}`, 'parameter_invalid_boolean');
  }
  return value === 'true';
}

export function oneOf<T extends string>(
  params: Params,
  name: string | readonly string[],
  values: readonly T[],
): T | undefined {
  const path = asPath(name);
  const value = str(params, path);
  if (value === undefined || value === '') return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw invalidParam(
      paramName(path),
      `Invalid ${paramName(path)}: must be one of ${values.join(', ')}`,
      'parameter_invalid_string',
    );
  }
  return value as T;
}

/** A nested object parameter (`recurring[interval]=`); Stripe's empty string means "unset". */
export function obj(params: Params, name: string | readonly string[]): Params | undefined {
  const path = asPath(name);
  const value = at(params, path);
  if (value === undefined || value === '') return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidParam(paramName(path), `Invalid object`, 'parameter_invalid_object');
  }
  return value as Params;
}

/** An array parameter; qs gives `a[0]=`/`a[]=` as arrays, and sparse or huge indices as objects. */
export function arr(params: Params, name: string | readonly string[]): unknown[] | undefined {
  const path = asPath(name);
  const value = at(params, path);
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.every((key) => /^\d+$/.test(key))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((key) => (value as Params)[key]);
    }
  }
  throw invalidParam(paramName(path), `Invalid array`, 'parameter_invalid_array');
}

export function strings(params: Params, name: string | readonly string[]): string[] | undefined {
  const path = asPath(name);
  const list = arr(params, path);
  if (list === undefined) return undefined;
  return list.map((item, index) => {
    if (typeof item !== 'string') {
      throw invalidParam(paramName([...path, String(index)]), 'Invalid string', 'parameter_invalid_string');
    }
    return item;
  });
}

/**
 * Metadata as Stripe merges it on update: `metadata[k]=v` sets, `metadata[k]=` deletes a key,
 * `metadata=` clears everything. Keys up to 40 characters, values up to 500, at most 50 keys.
 */
export function mergeMetadata(
  current: Record<string, string>,
  params: Params,
  name: string | readonly string[] = 'metadata',
): Record<string, string> {
  const path = asPath(name);
  const value = at(params, path);
  if (value === undefined) return current;
  if (value === '') return {};
  const update = obj(params, path) ?? {};
  const next: Record<string, string> = { ...current };
  for (const [key, raw] of Object.entries(update)) {
    if (typeof raw !== 'string') {
      throw invalidParam(paramName([...path, key]), 'Invalid string', 'parameter_invalid_string');
    }
    if (key.length > 40) {
      throw invalidParam(paramName([...path, key]), 'Metadata keys can be at most 40 characters long.', 'parameter_invalid_string');
    }
    if (raw.length > 500) {
      throw invalidParam(paramName([...path, key]), 'Metadata values can be at most 500 characters long.', 'parameter_invalid_string');
    }
    if (raw === '') delete next[key];
    else next[key] = raw;
  }
  if (Object.keys(next).length > 50) {
    throw invalidParam(paramName(path), 'You can have at most 50 metadata keys.', 'parameter_invalid_string');
  }
  return next;
}
