// A route's way of saying "answer with this page": a status, a title and a message for the visitor. The
// handler's one error-to-response function turns it (and every other error) into a page.

export interface ProblemOptions {
  returnTo?: string;
  /** Offer the sign-in form on the page. */
  signIn?: boolean;
  headers?: Record<string, string>;
  cookies?: string[];
}

export class HttpProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly options: ProblemOptions;
  constructor(status: number, title: string, message: string, options: ProblemOptions = {}) {
    super(message);
    this.name = 'HttpProblem';
    this.status = status;
    this.title = title;
    this.options = options;
  }
}
