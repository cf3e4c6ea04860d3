// The shape of one catalogue entry, after Astro's errors-data.ts: a stable code, a title, the creator's
// message (a function of its parameters) and a hint; an entry a visitor can meet also has its status and
// the visitor's text, which never holds a secret, a token, a fan's data or internal detail.

export interface ErrorEntry<P = never> {
  /** Stable: callers, tests, docs and creators' log searches use it. Never change one. */
  readonly code: `TF_${string}`;
  readonly title: string;
  /** What happened, for the creator (terminal, build output, the function's log). */
  readonly message: (params: P) => string;
  /** What to do about it. */
  readonly hint?: string | ((params: P) => string);
  /** The HTTP status when this error answers a request. */
  readonly status?: number;
  /** What a visitor reads on the page (or, for a machine reader, the whole plain-text body). */
  readonly visitor?: string | ((params: P) => string);
  /** Seconds for Retry-After, when the answer invites a retry. */
  readonly retryAfter?: number;
  /** A machine reads this answer (Stripe's webhook sender, a bare client): plain text, not the site's page. */
  readonly plainText?: true;
  /** No log line when it answers a request: the visitor's own doing, or its cause was logged already. */
  readonly quiet?: true;
}

/** What an entry's message takes; `undefined` for an entry with no parameters. */
export type ParamsOf<E> = E extends { message: (params: infer P) => string } ? (unknown extends P ? undefined : P) : never;

/** Reads a text that may depend on the parameters. */
export function textOf<P>(text: string | ((params: P) => string) | undefined, params: P): string | undefined {
  return typeof text === 'function' ? text(params) : text;
}
