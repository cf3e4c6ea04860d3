// A route's way of saying "answer with this": a catalogue entry that has a status, with how to dress the
// page. error-response.ts turns it (and every other error) into the response and the log line.

import { TruefansError, type CatalogueEntry, type ParamsOf, type ProblemOptions } from '../errors.ts';

export type { ProblemOptions } from '../errors.ts';

type Answerable = Extract<CatalogueEntry, { status: number }>;
type Args<E> = undefined extends ParamsOf<E> ? [params?: ParamsOf<E>, options?: ProblemOptions] : [params: ParamsOf<E>, options?: ProblemOptions];

export class HttpProblem<E extends Answerable = Answerable> extends TruefansError<E> {
  readonly status: number;
  constructor(entry: E, ...args: Args<E>) {
    super(entry, ...(args as never as [never]));
    this.name = 'HttpProblem';
    this.status = entry.status;
  }
}
