// The one catalogue of truefans errors. Each has a stable code that callers switch on, a message that
// says what happened, and a hint that says what to do. No message ever includes a secret or a token.

export const ErrorCodes = {
  /** TRUEFANS_SECRET is missing, too short, or a placeholder. */
  SECRET_INVALID: 'TF_SECRET_INVALID',
  /** content/site.yaml or a post's frontmatter does not match its schema. */
  CONTENT_INVALID: 'TF_CONTENT_INVALID',
  /** A sealed envelope could not be opened: wrong key, wrong post or tier, or tampered bytes. */
  SEAL_OPEN_FAILED: 'TF_SEAL_OPEN_FAILED',
  /** A sealed envelope is not in a format this version reads. */
  SEAL_MALFORMED: 'TF_SEAL_MALFORMED',
  /** The build found members-only text or asset bytes in the clear. */
  LEAK_FOUND: 'TF_LEAK_FOUND',
  /** The deploy manifest is missing or malformed. */
  MANIFEST_INVALID: 'TF_MANIFEST_INVALID',
  /** The edge configuration (environment variables) is incomplete or wrong. */
  ENV_INVALID: 'TF_ENV_INVALID',
  /** A Stripe price for a tier or offer is missing: `npm run stripe:sync` has not run against this account. */
  STRIPE_PRICE_MISSING: 'TF_STRIPE_PRICE_MISSING',
  /** Stripe answered 5xx or 429, timed out, or could not be reached. */
  STRIPE_UNAVAILABLE: 'TF_STRIPE_UNAVAILABLE',
  /** Stripe refused a request for a reason that is not transient (a wrong key, a bad parameter). */
  STRIPE_REFUSED: 'TF_STRIPE_REFUSED',
  /** An email provider refused or could not be reached. */
  EMAIL_FAILED: 'TF_EMAIL_FAILED',
  /** A platform config file the creator edits (wrangler.jsonc) could not be read. */
  PLATFORM_CONFIG_INVALID: 'TF_PLATFORM_CONFIG_INVALID',
  /** A platform's function bundle is over that platform's documented size limit. */
  BUNDLE_TOO_LARGE: 'TF_BUNDLE_TOO_LARGE',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class TruefansError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  /** What a third party (Stripe) said, for the creator's log only; never shown to a visitor. */
  readonly detail: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string, detail?: string) {
    super(message);
    this.name = 'TruefansError';
    this.code = code;
    this.hint = hint;
    this.detail = detail;
  }

  /** The message, the hint and any detail, for a terminal or log line (Astro prints `hint` on its own). */
  describe(): string {
    return [this.message, this.hint, this.detail].filter(Boolean).join('\n');
  }
}

export function isTruefansError(error: unknown, code?: ErrorCode): error is TruefansError {
  return error instanceof TruefansError && (code === undefined || error.code === code);
}

/** How to make a good secret; shared by every message about the secret. */
export const SECRET_HOWTO =
  'Make one with: node -e "console.log(require(\'node:crypto\').randomBytes(32).toString(\'base64url\'))" ' +
  'and set it as TRUEFANS_SECRET in your host\'s environment (never commit it).';
