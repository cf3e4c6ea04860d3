// Stripe-shaped API errors: one class the routes throw, one function that turns it into Stripe's JSON.

export type StripeErrorType =
  | 'invalid_request_error'
  | 'card_error'
  | 'api_error'
  | 'idempotency_error'
  | 'rate_limit_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;

  constructor(status: number, body: StripeErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

const docs = (code: string) => `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`;

export function missingParam(param: string): ApiError {
  return new ApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    param,
    message: `Missing required param: ${param}.`,
    doc_url: docs('parameter_missing'),
  });
}

export function unknownParam(param: string): ApiError {
  return new ApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_unknown',
    param,
    message: `Received unknown parameter: ${param}`,
    doc_url: docs('parameter_unknown'),
  });
}

export function invalidParam(param: string, message: string, code = 'parameter_invalid_empty'): ApiError {
  return new ApiError(400, { type: 'invalid_request_error', code, param, message });
}

export function invalidRequest(message: string, param?: string): ApiError {
  return new ApiError(400, { type: 'invalid_request_error', message, ...(param ? { param } : {}) });
}

/**
 * Stripe names the resource in its own words: "No such customer: 'cus_123'". An object named in the URL
 * (`param` 'id') is a 404; one named by a parameter (a list filter such as `subscriptions.list({ customer })`,
 * a create param, a cursor) is a 400 with the same code, so clients must not look at the status alone.
 */
export function resourceMissing(noun: string, id: string, param = 'id'): ApiError {
  return new ApiError(param === 'id' ? 404 : 400, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param,
    message: `No such ${noun}: '${id}'`,
    doc_url: docs('resource_missing'),
  });
}

export function cardDeclined(message: string, declineCode: string, code = 'card_declined'): ApiError {
  return new ApiError(402, {
    type: 'card_error',
    code,
    decline_code: declineCode,
    message,
    doc_url: docs(code),
  });
}

export function errorResponseBody(error: ApiError): string {
  return JSON.stringify({ error: error.body }, null, 2);
}
