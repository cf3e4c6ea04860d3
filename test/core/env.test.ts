import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/core/env.ts';
import { SECRET } from './helpers/site.ts';

const base = { TRUEFANS_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_truefans_local' };

function problems(env: Record<string, string | undefined>): string {
  try {
    parseEnv(env);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('parseEnv', () => {
  it('fills the defaults', () => {
    const config = parseEnv(base);
    expect(config).toMatchObject({
      recheckSeconds: 3600,
      graceSeconds: 86400,
      pastDue: 'keep',
      sessionDays: 30,
      email: { provider: null },
      stripe: { secretKey: 'sk_test_truefans_local', webhookSecret: undefined, api: undefined },
      siteUrl: undefined,
    });
  });

  it('parses STRIPE_API_BASE into host, port and protocol, and SITE_URL into an origin', () => {
    const config = parseEnv({ ...base, STRIPE_API_BASE: 'http://127.0.0.1:12111', SITE_URL: 'https://mira.example/' });
    expect(config.stripe.api).toEqual({ host: '127.0.0.1', port: 12111, protocol: 'http' });
    expect(config.siteUrl).toBe('https://mira.example');
  });

  it('names every problem, with the fix, and never the value', () => {
    const message = problems({
      TRUEFANS_SECRET: 'change-me-change-me-change-me-change-me-change-me',
      STRIPE_SECRET_KEY: 'pk_live_abcdefghijkl',
      STRIPE_WEBHOOK_SECRET: 'nope',
      TRUEFANS_RECHECK_SECONDS: 'an hour',
      TRUEFANS_PAST_DUE: 'maybe',
      EMAIL_PROVIDER: 'carrier-pigeon',
      SITE_URL: 'mira.example',
    });
    expect(message).toMatchInlineSnapshot(`
      "The edge function has 7 configuration problems:
        - TRUEFANS_SECRET looks like a placeholder, not random bytes. Make one with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))" and set it as TRUEFANS_SECRET in your host's environment (never commit it).
        - STRIPE_SECRET_KEY does not look like a Stripe secret key (sk_live_..., sk_test_... or rk_...). Copy it from https://dashboard.stripe.com/apikeys.
        - STRIPE_WEBHOOK_SECRET does not look like a webhook signing secret (whsec_...). Copy it from your webhook endpoint in the Stripe dashboard.
        - SITE_URL must be a full http(s) URL, like https://mira.example.
        - TRUEFANS_RECHECK_SECONDS must be a whole number of seconds (default 3600).
        - TRUEFANS_PAST_DUE must be "keep" (default: fans whose payment failed keep access while Stripe retries) or "revoke".
        - EMAIL_PROVIDER must be "resend", "postmark" or "outbox"."
    `);
    expect(message).not.toContain('pk_live_abcdefghijkl');
    expect(message).not.toContain('change-me');
  });

  it('says what is missing', () => {
    expect(problems({})).toMatchInlineSnapshot(`
      "The edge function has 2 configuration problems:
        - TRUEFANS_SECRET is not set. Make one with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))" and set it as TRUEFANS_SECRET in your host's environment (never commit it).
        - STRIPE_SECRET_KEY is not set. Copy your secret key (sk_live_... or sk_test_...) from https://dashboard.stripe.com/apikeys into your host's environment."
    `);
    expect(problems({ ...base, EMAIL_PROVIDER: 'resend' })).toMatchInlineSnapshot(`
      "The edge function has 2 configuration problems:
        - EMAIL_PROVIDER is "resend" but RESEND_API_KEY is not set. Create an API key at https://resend.com/api-keys.
        - EMAIL_PROVIDER is "resend" but EMAIL_FROM is not set. Set it to a sender your provider has verified, like "Mira <hello@mira.example>"."
    `);
  });
});
