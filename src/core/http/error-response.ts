// The one place an error becomes a response and a log line. A catalogue entry with a status answers with
// its visitor text: a page in the site's shell, or plain text where a machine reads it (the entry says
// which); anything else answers "something went wrong". The log line is `truefans: TF_CODE: message`,
// built from the creator's message, hint and detail, which never hold a secret, a token or a fan's email.

import { Errors, isTruefansError, type TruefansError } from '../errors.ts';
import { problemView } from '../pages/views.ts';
import { HttpProblem } from './problem.ts';
import { page } from './respond.ts';

export interface Answering {
  /** The request's path, named in the log line of an unexpected error. */
  path: string;
  log: (line: string) => void;
  /** The site's page layout; not read for a plain-text answer. */
  shell: () => Promise<string>;
}

/** The creator's log line for an error. */
export function logLine(error: TruefansError): string {
  return `truefans: ${error.code}: ${error.describe().replace(/\n/g, ' ')}`;
}

function answerable(error: unknown, path: string): TruefansError & { status: number } {
  if (isTruefansError(error) && 'status' in error.entry) return Object.assign(error, { status: error.entry.status });
  const e = error as { name?: string; code?: string; message?: string } | null;
  return new HttpProblem(Errors.Unexpected, { what: e?.code ?? e?.name ?? 'error', path, message: String(e?.message ?? error).split('\n')[0]! });
}

export async function errorResponse(error: unknown, how: Answering): Promise<Response> {
  const problem = answerable(error, how.path);
  const { entry, options } = problem;
  if (!('quiet' in entry)) how.log(logLine(problem));
  const headers: Record<string, string> = { ...('retryAfter' in entry ? { 'retry-after': String(entry.retryAfter) } : {}), ...options.headers };
  if ('plainText' in entry) {
    const response = new Response(problem.visitor ?? problem.title, { status: problem.status, headers });
    for (const c of options.cookies ?? []) response.headers.append('set-cookie', c);
    return response;
  }
  const view = problemView(problem.title, problem.visitor ?? problem.title, options);
  return page(await how.shell(), view, problem.status, { headers, cookies: options.cookies ?? [] });
}
