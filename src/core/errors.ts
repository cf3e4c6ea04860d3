// The one import path for truefans errors. The catalogue (errors/catalogue.ts) declares every error once;
// code throws an entry with its parameters, and the error carries the entry's stable code, the creator's
// message and hint, and, for a request, the visitor's text. No message ever includes a secret or a token.

import type { CatalogueEntry, ErrorCode } from './errors/catalogue.ts';
import { textOf, type ParamsOf } from './errors/entry.ts';

export { Errors, SECRET_HOWTO, type CatalogueEntry, type ErrorCode, type ErrorName } from './errors/catalogue.ts';
export type { ErrorEntry, ParamsOf } from './errors/entry.ts';

/** How a request's answer is dressed, beside the entry's own texts. */
export interface ProblemOptions {
  returnTo?: string;
  /** Offer the sign-in form on the page. */
  signIn?: boolean;
  headers?: Record<string, string>;
  cookies?: string[];
}

export interface RaiseOptions extends ProblemOptions {
  /** What a third party (Stripe) said, for the creator's log only; never shown to a visitor. */
  detail?: string | undefined;
}

type Args<E> = undefined extends ParamsOf<E> ? [params?: ParamsOf<E>, options?: RaiseOptions] : [params: ParamsOf<E>, options?: RaiseOptions];

export class TruefansError<E extends CatalogueEntry = CatalogueEntry> extends Error {
  readonly entry: E;
  readonly code: ErrorCode;
  readonly title: string;
  readonly hint: string | undefined;
  readonly detail: string | undefined;
  /** What a visitor may read, for an entry that answers a request. */
  readonly visitor: string | undefined;
  readonly options: ProblemOptions;

  constructor(entry: E, ...[params, options = {}]: Args<E>) {
    const p = params as never;
    super(entry.message(p));
    this.name = 'TruefansError';
    this.entry = entry;
    this.code = entry.code;
    this.title = entry.title;
    this.hint = textOf<never>((entry as { hint?: string | ((p: never) => string) }).hint, p) || undefined;
    this.visitor = textOf<never>((entry as { visitor?: string | ((p: never) => string) }).visitor, p);
    const { detail, ...problem } = options;
    this.detail = detail;
    this.options = problem;
  }

  /** The message, the hint and any detail, for a terminal or log line (Astro prints `hint` on its own). */
  describe(): string {
    return [this.message, this.hint, this.detail].filter(Boolean).join('\n');
  }
}

export function isTruefansError(error: unknown, code?: ErrorCode): error is TruefansError {
  return error instanceof TruefansError && (code === undefined || error.code === code);
}
