// The edge function's configuration, parsed once from the platform's environment variables. Every
// problem is collected into one TF_ENV_INVALID error whose lines name the variable and the fix; no line
// ever repeats a value, since most of these are secrets.

import { z } from 'zod';
import { validateSecret } from './crypto/secret.ts';
import { Errors, TruefansError, isTruefansError } from './errors.ts';
import type { EdgeEnv } from './ports.ts';

export type PastDuePolicy = 'keep' | 'revoke';

export interface EdgeConfig {
  secret: string;
  previousSecret: string | undefined;
  stripe: {
    secretKey: string;
    webhookSecret: string | undefined;
    /** Where the stripe package sends requests; undefined means api.stripe.com. */
    api: { host: string; port: number; protocol: 'http' | 'https' } | undefined;
  };
  /** SITE_URL's origin (no trailing slash), overriding the manifest's site.url. */
  siteUrl: string | undefined;
  recheckSeconds: number;
  graceSeconds: number;
  pastDue: PastDuePolicy;
  sessionDays: number;
  email:
    | { provider: 'resend'; from: string; apiKey: string }
    | { provider: 'postmark'; from: string; token: string }
    | { provider: 'outbox'; from: string; url: string }
    | { provider: null };
  creatorEmail: string | undefined;
  /** The bearer token a platform's scheduler sends to the weekly digest route (Vercel's own name for it). */
  cronSecret: string | undefined;
}

const STRIPE_KEYS = 'https://dashboard.stripe.com/apikeys';

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

const httpUrl = (name: string, example: string) =>
  z
    .string()
    .refine((v) => {
      try {
        return /^https?:$/.test(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `${name} must be a full http(s) URL, like ${example}.`);

const seconds = (name: string, fallback: number, what: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const value = blank(v);
      if (value === undefined) return fallback;
      if (!/^\d{1,9}$/.test(value)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number of ${what} (default ${fallback}).` });
        return z.NEVER;
      }
      return Number(value);
    });

const envSchema = z.object({
  TRUEFANS_SECRET: z.string().optional(),
  TRUEFANS_PREVIOUS_SECRET: z.string().optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const key = blank(v);
      if (!key) {
        ctx.addIssue({ code: 'custom', message: `STRIPE_SECRET_KEY is not set. Copy your secret key (sk_live_... or sk_test_...) from ${STRIPE_KEYS} into your host's environment.` });
        return z.NEVER;
      }
      if (!/^(sk|rk)_(test|live)_[A-Za-z0-9_]{8,}$/.test(key) || /x{4,}|your|change|placeholder|example/i.test(key)) {
        ctx.addIssue({ code: 'custom', message: `STRIPE_SECRET_KEY does not look like a Stripe secret key (sk_live_..., sk_test_... or rk_...). Copy it from ${STRIPE_KEYS}.` });
        return z.NEVER;
      }
      return key;
    }),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const value = blank(v);
      if (value !== undefined && !/^whsec_\S{8,}$/.test(value)) {
        ctx.addIssue({ code: 'custom', message: 'STRIPE_WEBHOOK_SECRET does not look like a webhook signing secret (whsec_...). Copy it from your webhook endpoint in the Stripe dashboard.' });
        return z.NEVER;
      }
      return value;
    }),
  STRIPE_API_BASE: z
    .string()
    .optional()
    .transform((v) => blank(v))
    .pipe(httpUrl('STRIPE_API_BASE', 'http://127.0.0.1:12111').optional()),
  SITE_URL: z
    .string()
    .optional()
    .transform((v) => blank(v))
    .pipe(httpUrl('SITE_URL', 'https://mira.example').optional()),
  TRUEFANS_RECHECK_SECONDS: seconds('TRUEFANS_RECHECK_SECONDS', 3600, 'seconds'),
  TRUEFANS_GRACE_SECONDS: seconds('TRUEFANS_GRACE_SECONDS', 86400, 'seconds'),
  TRUEFANS_SESSION_DAYS: seconds('TRUEFANS_SESSION_DAYS', 30, 'days').refine((d) => d >= 1 && d <= 400, 'TRUEFANS_SESSION_DAYS must be from 1 to 400 days.'),
  TRUEFANS_PAST_DUE: z
    .string()
    .optional()
    .transform((v) => blank(v)?.toLowerCase() ?? 'keep')
    .pipe(z.enum(['keep', 'revoke'], { error: 'TRUEFANS_PAST_DUE must be "keep" (default: fans whose payment failed keep access while Stripe retries) or "revoke".' })),
  EMAIL_PROVIDER: z
    .string()
    .optional()
    .transform((v) => blank(v)?.toLowerCase())
    .pipe(z.enum(['resend', 'postmark', 'outbox'], { error: 'EMAIL_PROVIDER must be "resend", "postmark" or "outbox".' }).optional()),
  EMAIL_FROM: z.string().optional().transform(blank),
  RESEND_API_KEY: z.string().optional().transform(blank),
  POSTMARK_SERVER_TOKEN: z.string().optional().transform(blank),
  TRUEFANS_OUTBOX_URL: z
    .string()
    .optional()
    .transform((v) => blank(v))
    .pipe(httpUrl('TRUEFANS_OUTBOX_URL', 'http://127.0.0.1:4322/outbox').optional()),
  CREATOR_EMAIL: z
    .string()
    .optional()
    .transform((v) => blank(v))
    .pipe(z.email({ error: 'CREATOR_EMAIL must be an email address; it receives the "new true fan" notices.' }).optional()),
  CRON_SECRET: z
    .string()
    .optional()
    .transform((v) => blank(v))
    .pipe(z.string().min(16, { error: 'CRON_SECRET must be at least 16 characters; make one with: node -e "console.log(require(\'node:crypto\').randomBytes(32).toString(\'base64url\'))"' }).optional()),
});

function secretProblem(value: string | undefined, name: string, required: boolean): string | undefined {
  if (!required && !blank(value)) return undefined;
  try {
    validateSecret(value, name);
    return undefined;
  } catch (error) {
    if (isTruefansError(error)) return error.describe().replace(/\n/g, ' ');
    throw error;
  }
}

/** STRIPE_API_BASE as the stripe package's host, port and protocol options. */
export function apiBase(url: string | undefined): EdgeConfig['stripe']['api'] {
  if (!url) return undefined;
  const parsed = new URL(url);
  const protocol = parsed.protocol === 'http:' ? 'http' : 'https';
  return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : protocol === 'http' ? 80 : 443, protocol };
}

/**
 * Parses the environment. Throws one TruefansError(TF_ENV_INVALID) whose message lists every problem,
 * one line each, each naming its variable and the fix.
 */
export function parseEnv(env: EdgeEnv): EdgeConfig {
  const problems: string[] = [];
  const secret = secretProblem(env.TRUEFANS_SECRET, 'TRUEFANS_SECRET', true);
  if (secret) problems.push(secret);
  const previous = secretProblem(env.TRUEFANS_PREVIOUS_SECRET, 'TRUEFANS_PREVIOUS_SECRET', false);
  if (previous) problems.push(previous);

  const result = envSchema.safeParse(env);
  if (!result.success) problems.push(...result.error.issues.map((issue) => issue.message));
  const data = result.data;
  if (data) {
    const e = data;
    if (e.EMAIL_PROVIDER === 'resend' && !e.RESEND_API_KEY) problems.push('EMAIL_PROVIDER is "resend" but RESEND_API_KEY is not set. Create an API key at https://resend.com/api-keys.');
    if (e.EMAIL_PROVIDER === 'postmark' && !e.POSTMARK_SERVER_TOKEN) problems.push('EMAIL_PROVIDER is "postmark" but POSTMARK_SERVER_TOKEN is not set. Copy the server API token from your Postmark server\'s API Tokens tab.');
    if (e.EMAIL_PROVIDER === 'outbox' && !e.TRUEFANS_OUTBOX_URL) problems.push('EMAIL_PROVIDER is "outbox" but TRUEFANS_OUTBOX_URL is not set. Point it at the local outbox (npm start sets it for you).');
    if ((e.EMAIL_PROVIDER === 'resend' || e.EMAIL_PROVIDER === 'postmark') && !e.EMAIL_FROM) problems.push(`EMAIL_PROVIDER is "${e.EMAIL_PROVIDER}" but EMAIL_FROM is not set. Set it to a sender your provider has verified, like "Mira <hello@mira.example>".`);
  }
  if (problems.length || !data) {
    throw new TruefansError(Errors.EnvInvalid, { problems });
  }

  const email: EdgeConfig['email'] =
    data.EMAIL_PROVIDER === 'resend'
      ? { provider: 'resend', from: data.EMAIL_FROM!, apiKey: data.RESEND_API_KEY! }
      : data.EMAIL_PROVIDER === 'postmark'
        ? { provider: 'postmark', from: data.EMAIL_FROM!, token: data.POSTMARK_SERVER_TOKEN! }
        : data.EMAIL_PROVIDER === 'outbox'
          ? { provider: 'outbox', from: data.EMAIL_FROM ?? 'truefans <outbox@localhost>', url: data.TRUEFANS_OUTBOX_URL! }
          : { provider: null };

  return {
    secret: env.TRUEFANS_SECRET!.trim(),
    previousSecret: blank(env.TRUEFANS_PREVIOUS_SECRET),
    stripe: { secretKey: data.STRIPE_SECRET_KEY, webhookSecret: data.STRIPE_WEBHOOK_SECRET, api: apiBase(data.STRIPE_API_BASE) },
    siteUrl: data.SITE_URL ? new URL(data.SITE_URL).origin : undefined,
    recheckSeconds: data.TRUEFANS_RECHECK_SECONDS,
    graceSeconds: data.TRUEFANS_GRACE_SECONDS,
    pastDue: data.TRUEFANS_PAST_DUE,
    sessionDays: data.TRUEFANS_SESSION_DAYS,
    email,
    creatorEmail: data.CREATOR_EMAIL,
    cronSecret: data.CRON_SECRET,
  };
}
