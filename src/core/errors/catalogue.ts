// Every error a creator or a fan can see, declared once (the shape is in entry.ts). Code throws an entry
// with its parameters; the texts live only here, and test/core/errors.test.ts prints them all for review.

import type { ErrorEntry } from './entry.ts';

/** How to make a good secret; shared by every message about the secret. */
export const SECRET_HOWTO =
  'Make one with: node -e "console.log(require(\'node:crypto\').randomBytes(32).toString(\'base64url\'))" ' +
  'and set it as TRUEFANS_SECRET in your host\'s environment (never commit it).';

const list = (problems: readonly string[], indent = '  - ') => problems.map((p) => `${indent}${p}`).join('\n');
const UNAVAILABLE_VISITOR = 'The payment service this site uses did not answer as expected. Nothing was charged by this request. Please try again in a few minutes.';
const FILE_UNAVAILABLE = 'This file could not be opened just now. Please try again later.';
const NOT_OFFERED = 'This site does not offer that membership, purchase or amount. Please pick one from the page.';

export const Errors = {
  // ---- The creator's setup: content, the secret, the environment, the build ----

  SecretInvalid: {
    code: 'TF_SECRET_INVALID',
    title: 'The secret is missing or weak',
    message: (p: { name: string; problem: 'missing' | 'short' | 'placeholder'; length?: number; minLength?: number }) =>
      p.problem === 'missing'
        ? `${p.name} is not set.`
        : p.problem === 'short'
          ? `${p.name} is too short (${p.length} characters); it must hold at least 32 random bytes (${p.minLength} characters of base64url).`
          : `${p.name} looks like a placeholder, not random bytes.`,
    hint: SECRET_HOWTO,
  },
  ContentInvalid: {
    code: 'TF_CONTENT_INVALID',
    title: 'A mistake in content/',
    message: (p: { problems: readonly string[] }) =>
      `${p.problems.length === 1 ? 'There is a problem in content/:' : `There are ${p.problems.length} problems in content/:`}\n${list(p.problems)}`,
    hint: 'Fix these, then run `npm run check` to confirm.',
  },
  EnvInvalid: {
    code: 'TF_ENV_INVALID',
    title: 'The edge function is not configured',
    message: (p: { problems: readonly string[] }) =>
      `${p.problems.length === 1 ? 'The edge function is not configured:' : `The edge function has ${p.problems.length} configuration problems:`}\n${list(p.problems)}`,
  },
  ClockInvalid: {
    code: 'TF_CLOCK_INVALID',
    title: 'The build clock is not a date',
    message: (p: { value: string }) => `TRUEFANS_NOW is "${p.value}", which is not a date.`,
    hint: 'Set it to a date like 2026-11-22 or a date-time like 2026-11-22T09:00:00Z to build the site as it will be then, or unset it to build at the current time.',
  },
  ManifestInvalid: {
    code: 'TF_MANIFEST_INVALID',
    title: 'The deploy manifest is missing or malformed',
    message: (p: { file: string; problem: string; reader?: 'function' | 'platform-files' | 'server' }) => `${p.file} ${p.problem}.`,
    hint: (p: { reader?: 'function' | 'platform-files' | 'server' }) =>
      p.reader === 'platform-files'
        ? 'Run the whole build (npm run build), which writes it, before the platform files.'
        : p.reader === 'server'
          ? 'Rebuild the site with npm run build.'
          : 'Rebuild the site with `npm run build` and deploy the whole dist/ folder.',
  },
  PlatformConfigInvalid: {
    code: 'TF_PLATFORM_CONFIG_INVALID',
    title: 'A platform setting cannot be used',
    message: (
      p:
        | { kind: 'wrangler'; file: string; where: string }
        | { kind: 'platforms'; unknown: readonly string[]; platforms: readonly string[] }
        | { kind: 'inline-hashes'; problems: readonly string[] },
    ) =>
      p.kind === 'wrangler'
        ? `${p.file}: ${p.where}.`
        : p.kind === 'platforms'
          ? `TRUEFANS_PLATFORMS has ${p.unknown.map((u) => `"${u}"`).join(', ')}, which is not a platform truefans deploys to.`
          : `The site's Content-Security-Policy would block ${p.problems.length} inline script or style:\n${list([...new Set(p.problems)].slice(0, 10), '- ')}`,
    hint: (
      p: { kind: 'wrangler' } | { kind: 'platforms'; platforms: readonly string[] } | { kind: 'inline-hashes' },
    ) =>
      p.kind === 'wrangler'
        ? 'Fix it so it is JSON (comments and trailing commas are fine); docs/deploy/cloudflare.md shows the fields truefans reads.'
        : p.kind === 'platforms'
          ? `Use a comma-separated list of ${p.platforms.join(', ')}, or "none"; leave it unset for all three.`
          : 'Move it into a file, or, if it belongs there, add the hash shown to src/core/http/security-headers.ts.',
  },
  BundleTooLarge: {
    code: 'TF_BUNDLE_TOO_LARGE',
    title: 'A platform function is too large',
    message: (p: { platform: string; size: string; limit: string }) => `The ${p.platform} function is ${p.size} gzip, over the platform's limit (${p.limit}).`,
    hint: 'This is a truefans bug, not something in your content: please report it with this message.',
  },

  // ---- Sealing and the leak check (the build) ----

  LeakFound: {
    code: 'TF_LEAK_FOUND',
    title: 'Members-only content in the clear',
    message: (p: { files: number; leaks: string }) =>
      `The leak check found members-only content in the clear in ${p.files} file(s); nothing was published:\n${p.leaks}`,
    hint: 'If a description, tag or public part repeats members-only text, change it; if the text is meant to be public, move it above the members-only part.',
  },
  SealBlockInvalid: {
    code: 'TF_SEAL_BLOCK_INVALID',
    title: 'A members-only block is nested or left open',
    message: (p: { file: string; problem: string }) => `${p.file}: ${p.problem}.`,
    hint: 'Members-only blocks cannot be nested or left open; check the <MembersOnly> blocks of this post.',
  },
  SealOutsidePost: {
    code: 'TF_SEAL_OUTSIDE_POST',
    title: 'Members-only content outside a post',
    message: (p: { file: string }) => `${p.file}: members-only content outside a post.`,
    hint: 'Only posts in content/posts/ can have members-only parts; move it into a post.',
  },
  SealTierUnknown: {
    code: 'TF_SEAL_TIER_UNKNOWN',
    title: 'A members-only block names an unknown tier',
    message: (p: { file: string; post: string; tier: string; tiers: readonly string[] }) =>
      `${p.file}: a members-only block of post "${p.post}" is for tier "${p.tier}", which content/site.yaml does not have.`,
    hint: (p: { tiers: readonly string[] }) => `Use one of: ${p.tiers.join(', ')}.`,
  },
  SealOpenFailed: {
    code: 'TF_SEAL_OPEN_FAILED',
    title: 'A sealed part could not be opened',
    // With the key ids: the function's check at boot that the build's secret is one it holds.
    message: (p?: { built: string; has: readonly string[] }) =>
      p
        ? `the site was built with a TRUEFANS_SECRET whose key id is ${p.built}, but the function's secrets have ${p.has.join(', ')}.`
        : 'A sealed part could not be opened: it was made with another secret, for another post or tier, or changed.',
    hint: (p?: { built: string }) =>
      p ? 'Members will see previews only until you rebuild with the same TRUEFANS_SECRET (or set TRUEFANS_PREVIOUS_SECRET to the one the build used).' : '',
  },
  SealMalformed: {
    code: 'TF_SEAL_MALFORMED',
    title: 'A sealed part is in an unknown format',
    message: () => 'A sealed part is not in a format this version of truefans reads.',
  },
  GateMalformed: {
    code: 'TF_GATE_MALFORMED',
    title: 'A sealed part of a page is malformed',
    message: () => 'A <truefans-gate> in a built page could not be read.',
  },
  MarkupInvalid: {
    code: 'TF_MARKUP_INVALID',
    title: 'Markup the function does not understand',
    message: (p: { problem: string }) => p.problem,
    hint: 'Rebuild the site with `npm run build`; the function reads only the markup the build writes.',
  },
  UnknownKeyId: {
    code: 'TF_UNKNOWN_KID',
    title: 'A key id that is not this site\'s',
    message: () => 'The key id is not one of this site\'s secrets.',
  },

  // ---- Why a token (session cookie, sign-in link, feed address) was refused: for logs and tests only ----

  TokenTooLong: { code: 'TF_TOKEN_TOO_LONG', title: 'A token is too long', message: () => 'The token is longer than any token this site signs.' },
  TokenNoSubject: { code: 'TF_TOKEN_NO_SUBJECT', title: 'A token without a subject', message: () => 'The token names nobody.' },
  TokenFromFuture: { code: 'TF_TOKEN_FROM_FUTURE', title: 'A token from the future', message: () => 'The token was issued later than now.' },
  TokenInvalid: { code: 'TF_TOKEN_INVALID', title: 'A token that does not verify', message: () => 'The token is not one this site signed.' },
  SessionClaimsInvalid: { code: 'TF_SESSION_CLAIMS_INVALID', title: 'A session with unknown claims', message: () => 'The session cookie\'s claims are not the ones this site writes.' },
  LinkClaimsInvalid: { code: 'TF_LINK_CLAIMS_INVALID', title: 'A sign-in link with unknown claims', message: () => 'The sign-in link\'s claims are not the ones this site writes.' },
  LinkTooLongLived: { code: 'TF_LINK_TOO_LONG_LIVED', title: 'A sign-in link that lives too long', message: () => 'The sign-in link is valid for longer than this site allows.' },
  FeedClaimsInvalid: { code: 'TF_FEED_CLAIMS_INVALID', title: 'A feed address with unknown claims', message: () => 'The feed token\'s claims are not the ones this site writes.' },

  // ---- Stripe and email, as the creator's log sees them and a visitor meets them ----

  StripePriceMissing: {
    code: 'TF_STRIPE_PRICE_MISSING',
    status: 503,
    title: 'This is not for sale yet',
    visitor: 'The site owner has not finished setting up payments for this: they need to run `npm run stripe:sync`. Please try again later.',
    message: (p: { key: string; problem: string }) => `The Stripe price "${p.key}" ${p.problem}.`,
    hint: 'Run `npm run stripe:sync` with this site\'s STRIPE_SECRET_KEY to create or update the prices from content/site.yaml.',
  },
  StripeUnavailable: {
    code: 'TF_STRIPE_UNAVAILABLE',
    status: 503,
    title: 'Payments are unavailable right now',
    visitor: UNAVAILABLE_VISITOR,
    retryAfter: 60,
    message: (p: { what?: string | undefined; status: string; httpStatus?: number | undefined }) => `Stripe could not be reached${p.what ? ` while ${p.what}` : ''}${p.status}.`,
  },
  StripeRefused: {
    code: 'TF_STRIPE_REFUSED',
    status: 503,
    title: 'Payments are unavailable right now',
    visitor: UNAVAILABLE_VISITOR,
    retryAfter: 60,
    message: (p: { what?: string | undefined; status: string; httpStatus?: number | undefined; noUrl?: true }) =>
      p.noUrl ? 'Stripe created a checkout session without a URL.' : `Stripe refused a request${p.what ? ` while ${p.what}` : ''}${p.status}.`,
    hint: (p: { httpStatus?: number | undefined }) =>
      p.httpStatus === 401
        ? 'Check STRIPE_SECRET_KEY: Stripe does not accept it.'
        : p.httpStatus === 403
          ? 'Check STRIPE_SECRET_KEY: this key may not do that (a restricted key needs more permissions).'
          : '',
  },
  EmailFailed: {
    code: 'TF_EMAIL_FAILED',
    title: 'An email could not be sent',
    message: (p: { provider: string; error: string } | { provider: string; httpStatus: number }) =>
      'error' in p ? `${p.provider} could not be reached (${p.error}).` : `${p.provider} refused an email (HTTP ${p.httpStatus}).`,
    hint: (p: { provider: string; httpStatus?: number }) =>
      p.httpStatus === 401 || p.httpStatus === 403 ? `Check the ${p.provider} credentials in your host's environment.` : '',
  },
  EmailNotSetUp: {
    code: 'TF_EMAIL_NOT_SET_UP',
    status: 503,
    title: 'Sign-in by email is not available',
    visitor: 'This site cannot send email yet, so it cannot send you a sign-in link. Please try again later.',
    message: () => 'a fan asked for a sign-in link, but email is not set up.',
    hint: 'Set EMAIL_PROVIDER (resend, postmark or outbox) and its key; see docs/configuration.md.',
  },

  FollowEmailNotSetUp: {
    code: 'TF_FOLLOW_EMAIL_NOT_SET_UP',
    status: 503,
    title: 'Following by email is not available',
    visitor: 'This site cannot send email yet, so it cannot send you the link to confirm. Please try again later.',
    message: () => 'a reader asked to follow by email, but email is not set up.',
    hint: 'Set EMAIL_PROVIDER (resend, postmark or outbox) and its key; see docs/configuration.md.',
  },

  // ---- What a visitor meets on the function's pages ----

  NotConfigured: {
    code: 'TF_NOT_CONFIGURED',
    status: 503,
    title: 'This site is not set up yet',
    visitor:
      'Members-only pages, sign-in and checkout are unavailable until the site owner finishes the configuration. Please try again later. (Site owner: the function\'s log names the setting to fix.)',
    retryAfter: 300,
    // The configuration problem itself was logged, one line each, when the boot failed.
    quiet: true,
    message: () => 'A request needed the function, whose configuration or deploy is not usable.',
  },
  Unexpected: {
    code: 'TF_UNEXPECTED',
    status: 503,
    title: 'Something went wrong on our side',
    visitor: 'This page could not be served just now. Please try again in a few minutes.',
    message: (p: { what: string; path: string; message: string }) => `unexpected ${p.what} on ${p.path}: ${p.message}`,
  },
  ShellFailed: {
    code: 'TF_SHELL_FAILED',
    status: 503,
    plainText: true,
    // Only when the page for another error could not be rendered; that error was logged already.
    quiet: true,
    title: 'Service unavailable',
    visitor: 'Service unavailable. Please try again later.',
    message: () => 'An error page could not be rendered.',
  },
  BadRequest: {
    code: 'TF_BAD_REQUEST',
    status: 400,
    plainText: true,
    quiet: true,
    title: 'Bad request',
    visitor: 'Bad request',
    message: () => 'A request whose URL could not be read.',
  },
  MethodNotAllowed: {
    code: 'TF_METHOD_NOT_ALLOWED',
    status: 405,
    plainText: true,
    quiet: true,
    title: 'Method not allowed',
    visitor: 'Method not allowed',
    message: () => 'A request with a method this path does not take.',
  },
  CrossSite: {
    code: 'TF_CROSS_SITE',
    status: 403,
    quiet: true,
    title: 'This request came from another site',
    visitor: 'For your safety, this form only works from this site\'s own pages. Go back to the site and try again.',
    message: () => 'A form was posted from another origin.',
  },
  BodyTooLarge: {
    code: 'TF_BODY_TOO_LARGE',
    status: 413,
    quiet: true,
    title: 'That request is too large',
    visitor: (p: { limit: number }) =>
      `This site accepts at most ${p.limit >= 1024 * 1024 ? `${p.limit / (1024 * 1024)} MB` : `${p.limit / 1024} KB`} here, so nothing was done. Go back to the page and try again.`,
    message: (p: { limit: number }) => `A request body was over its cap of ${p.limit} bytes.`,
  },
  RateLimited: {
    code: 'TF_RATE_LIMITED',
    status: 429,
    quiet: true,
    title: 'Too many requests',
    visitor: 'This site is getting more requests like this one than it can pass on right now. Nothing was done. Please wait a minute and try again.',
    message: () => 'Requests that cost a Stripe call or an email came faster than the limit.',
  },
  MembershipUnconfirmed: {
    code: 'TF_MEMBERSHIP_UNCONFIRMED',
    status: 503,
    // The Stripe failure behind it was logged where it happened.
    quiet: true,
    title: 'We can\'t confirm your membership right now',
    visitor:
      'The payment service this site uses is not answering, and it has been a while since your membership was last confirmed. Please try again in a few minutes.',
    message: () => 'Stripe did not answer and the fan\'s last check is older than the grace period.',
  },
  NotAvailable: {
    code: 'TF_NOT_OFFERED',
    status: 400,
    quiet: true,
    title: 'That choice is not available',
    visitor: (p: { what: 'purchase' | 'plan' }) =>
      p.what === 'plan' ? 'This site does not offer that membership. Please pick one from the page.' : NOT_OFFERED,
    message: (p: { what: 'purchase' | 'plan' }) => `A form asked for a ${p.what === 'plan' ? 'plan' : 'tier, offer or amount'} the site does not offer.`,
  },
  AlreadyHeld: {
    code: 'TF_ALREADY_HELD',
    status: 409,
    quiet: true,
    title: 'You already have this',
    visitor: (p: { kind: 'tier' | 'offer' }) =>
      p.kind === 'tier'
        ? 'You are already a member. To change your membership, use "Manage membership" on your account page, so you are not charged twice.'
        : 'You have already bought this. It is yours to read and download whenever you are signed in.',
    message: (p: { kind: 'tier' | 'offer' }) => `A fan tried to buy ${p.kind === 'tier' ? 'a tier while holding one' : 'an offer they hold'}.`,
  },
  NoPlanToChange: {
    code: 'TF_NO_PLAN_TO_CHANGE',
    status: 409,
    quiet: true,
    title: 'There is no membership to change',
    visitor: 'Your membership is not active, so there is nothing to switch. You can join again from the membership page.',
    message: () => 'A fan without a live membership asked to switch plans.',
  },
  NotYourMembership: {
    code: 'TF_NOT_YOUR_MEMBERSHIP',
    status: 403,
    quiet: true,
    title: 'That membership is not yours to manage here',
    visitor: 'This browser can manage only the memberships it is signed in for. Sign in with the email you paid with to manage all of them.',
    message: () => 'A session asked for the billing portal of a customer it does not cover.',
  },
  CheckoutNotFound: {
    code: 'TF_CHECKOUT_NOT_FOUND',
    status: 404,
    quiet: true,
    title: 'We could not find that checkout',
    visitor: 'This link does not match a checkout on this site. If you paid, sign in with the email you paid with.',
    message: () => 'A checkout completion named a session Stripe does not have.',
  },
  CheckoutNotFinished: {
    code: 'TF_CHECKOUT_NOT_FINISHED',
    status: 402,
    quiet: true,
    title: 'Your checkout is not finished',
    visitor: (p: { why: 'open' | 'no-customer' }) =>
      p.why === 'open'
        ? 'Stripe has not completed this checkout yet. Go back and finish paying, or start again.'
        : 'Stripe has no customer for this checkout yet. Please try again in a minute.',
    message: (p: { why: 'open' | 'no-customer' }) =>
      p.why === 'open' ? 'A checkout completion arrived before Stripe completed the session.' : 'A completed checkout had no customer yet.',
  },
  PaymentProcessing: {
    // Not an error: a complete but unpaid session is a bank debit (SEPA, ACH) on its way.
    code: 'TF_PAYMENT_PROCESSING',
    status: 202,
    quiet: true,
    title: 'Your payment is processing',
    visitor: 'Your bank is confirming the payment, which can take a few business days. We will email you as soon as it arrives; then sign in with the email you paid with and it is all yours.',
    message: () => 'A checkout completed with a payment still processing.',
  },
  MembershipInactive: {
    code: 'TF_MEMBERSHIP_INACTIVE',
    status: 402,
    quiet: true,
    title: 'Your membership is not active',
    visitor: 'Stripe did not activate this membership, usually because the first payment failed. Please try again.',
    message: () => 'A checkout completed with a subscription that is not active.',
  },
  CheckoutExpired: {
    code: 'TF_CHECKOUT_EXPIRED',
    status: 410,
    quiet: true,
    title: 'This checkout link has expired',
    visitor: 'This checkout is too old to sign you in from here. Sign in with the email you paid with.',
    message: () => 'A checkout completion link was used after its time.',
  },
  CheckoutOtherBrowser: {
    code: 'TF_CHECKOUT_OTHER_BROWSER',
    status: 403,
    quiet: true,
    title: 'Payment received, but this browser did not start it',
    visitor: 'For your safety we only sign in the browser that started the checkout. Sign in with the email you paid with, and we will send you a link.',
    message: () => 'A checkout completion came from a browser without the checkout\'s cookie.',
  },
  SignInLinkExpired: {
    code: 'TF_LINK_EXPIRED',
    status: 400,
    quiet: true,
    title: 'This sign-in link has expired',
    visitor: 'Sign-in links work once, for 15 minutes. Ask for a new one below.',
    message: () => 'A sign-in link that is expired, used or not this site\'s.',
  },
  FollowLinkExpired: {
    code: 'TF_FOLLOW_LINK_EXPIRED',
    status: 400,
    quiet: true,
    title: 'This link has expired',
    visitor: 'Links to confirm that you follow work for two days. Enter your email in the form at the end of any post to get a new one.',
    message: () => 'A follow confirmation link that is expired, altered or not this site\'s.',
  },
  UnsubscribeLinkInvalid: {
    code: 'TF_UNSUBSCRIBE_LINK_INVALID',
    status: 400,
    quiet: true,
    title: 'This unsubscribe link does not work',
    visitor: 'It may be incomplete or more than a year old. Sign in and turn post emails off on your account page, or reply to any email you got from this site and ask.',
    message: () => 'An unsubscribe link that is altered, expired or not this site\'s.',
  },
  FileNotFound: {
    code: 'TF_FILE_NOT_FOUND',
    status: 404,
    quiet: true,
    title: 'Not found',
    visitor: 'There is no such file on this site.',
    message: () => 'A sealed file that the manifest does not have.',
  },
  FileMembersOnly: {
    code: 'TF_FILE_MEMBERS_ONLY',
    status: 403,
    quiet: true,
    title: 'Members only',
    visitor: 'This file is for members. Join, or sign in with the email you paid with.',
    message: () => 'A sealed file asked for by a reader whose tier does not open it.',
  },
  SealedFileMissing: {
    code: 'TF_SEALED_FILE_MISSING',
    status: 503,
    title: 'This file is not available',
    visitor: FILE_UNAVAILABLE,
    message: (p: { path: string; asset: string; httpStatus: number }) =>
      `the sealed file ${p.path} for asset "${p.asset}" is missing from the deploy (HTTP ${p.httpStatus}).`,
    hint: 'Rebuild and redeploy.',
  },
  RangeNotSatisfiable: {
    code: 'TF_RANGE_NOT_SATISFIABLE',
    status: 416,
    quiet: true,
    title: 'Range not satisfiable',
    visitor: 'That part of the file does not exist: it starts after the end of the file.',
    message: () => 'A byte range that starts after the end of a sealed recording.',
  },
  SealedFileUnreadable: {
    code: 'TF_SEALED_FILE_UNREADABLE',
    status: 503,
    title: 'This file is not available',
    visitor: FILE_UNAVAILABLE,
    message: (p: { asset: string; cause: string }) => `${p.cause}: the sealed file for asset "${p.asset}" could not be opened.`,
    hint: 'Rebuild with the TRUEFANS_SECRET the function uses.',
  },
  FanMeterOff: {
    code: 'TF_FAN_METER_OFF',
    status: 404,
    quiet: true,
    title: 'Not found',
    visitor: 'There is no such page on this site.',
    message: () => 'The fan meter was asked for, but site.yaml does not say show_fans: true, so the count stays private.',
  },
  DigestOff: {
    code: 'TF_DIGEST_OFF',
    status: 404,
    quiet: true,
    title: 'Not found',
    visitor: 'There is no such page on this site.',
    message: () => 'The weekly digest was asked for, but site.yaml does not say weekly_digest: true.',
  },
  DigestUnauthorized: {
    code: 'TF_DIGEST_UNAUTHORIZED',
    status: 401,
    quiet: true,
    title: 'Not allowed',
    visitor: 'This address is only for the site\'s own scheduler.',
    message: () => 'The weekly digest route was called without the right "Authorization: Bearer" CRON_SECRET (or CRON_SECRET is not set), so nothing was sent.',
    hint: 'Set CRON_SECRET in the host\'s environment (at least 16 characters); the scheduler sends it as "Authorization: Bearer <CRON_SECRET>".',
  },
  SupporterWallOff: {
    code: 'TF_SUPPORTER_WALL_OFF',
    status: 404,
    quiet: true,
    title: 'Not found',
    visitor: 'There is no such page on this site.',
    message: () => 'The supporter wall was asked for, but site.yaml does not say supporter_wall: true, so no names are shown or collected.',
  },
  FeedNotFound: {
    code: 'TF_FEED_NOT_FOUND',
    status: 404,
    quiet: true,
    title: 'Feed not found',
    visitor: 'This private feed address is not valid any more. Copy the current one from your account page.',
    message: () => 'A private feed address that does not verify.',
  },
  FeedEnded: {
    code: 'TF_FEED_ENDED',
    status: 410,
    quiet: true,
    title: 'This feed has ended',
    visitor: 'This private feed no longer belongs to a member.',
    message: () => 'A private feed whose owner is no longer a Stripe customer.',
  },
  FeedTemplateMissing: {
    code: 'TF_FEED_TEMPLATE_MISSING',
    status: 503,
    title: 'Feed unavailable',
    visitor: 'This feed could not be built just now. Please try again later.',
    message: (p: { path: string; httpStatus: number }) => `${p.path} is missing or malformed in the deploy (HTTP ${p.httpStatus}).`,
    hint: 'Rebuild and redeploy.',
  },

  // ---- Stripe's webhook sender reads these: plain text ----

  WebhookNotConfigured: {
    code: 'TF_WEBHOOK_NOT_CONFIGURED',
    status: 503,
    plainText: true,
    title: 'Webhook endpoint not configured',
    visitor: 'Webhook endpoint not configured.',
    message: () => 'a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set.',
    hint: 'Copy the signing secret (whsec_...) of this endpoint from the Stripe dashboard into your host\'s environment.',
  },
  WebhookNoSignature: {
    code: 'TF_WEBHOOK_NO_SIGNATURE',
    status: 400,
    plainText: true,
    quiet: true,
    title: 'Missing Stripe-Signature',
    visitor: 'Missing Stripe-Signature.',
    message: () => 'A webhook request without a Stripe-Signature header.',
  },
  WebhookTooLarge: {
    code: 'TF_WEBHOOK_TOO_LARGE',
    status: 413,
    plainText: true,
    quiet: true,
    title: 'Too large',
    visitor: 'Too large.',
    message: () => 'A webhook body over its cap.',
  },
  WebhookFromFuture: {
    code: 'TF_WEBHOOK_FROM_FUTURE',
    status: 400,
    plainText: true,
    quiet: true,
    title: 'Signature timestamp in the future',
    visitor: 'Signature timestamp is in the future.',
    message: () => 'A webhook signed with a timestamp past the tolerance.',
  },
  WebhookBadSignature: {
    code: 'TF_WEBHOOK_BAD_SIGNATURE',
    status: 400,
    plainText: true,
    quiet: true,
    title: 'Invalid signature',
    visitor: 'Invalid signature.',
    message: () => 'A webhook whose signature does not verify with STRIPE_WEBHOOK_SECRET.',
  },
  WebhookRetry: {
    code: 'TF_WEBHOOK_RETRY',
    status: 503,
    plainText: true,
    // The Stripe failure behind it was logged where it happened.
    quiet: true,
    title: 'Try again later',
    visitor: 'Try again later.',
    message: () => 'A webhook event could not be handled for now; Stripe retries it.',
  },

  // ---- Gift memberships ----

  GiftNotFound: {
    code: 'TF_GIFT_NOT_FOUND',
    status: 404,
    quiet: true,
    title: 'We could not find that gift',
    visitor: 'This gift link is not valid, or has expired. Check that you copied the whole link, or ask the person who gave it to you.',
    message: () => 'A gift link that does not verify, or names a session that is not a paid gift.',
  },
  GiftUnavailable: {
    code: 'TF_GIFT_UNAVAILABLE',
    status: 410,
    quiet: true,
    title: 'This gift can no longer be redeemed',
    visitor: (p: { why: 'refunded' | 'expired' }) =>
      p.why === 'refunded' ? 'This gift was refunded, so it can no longer be redeemed.' : 'This gift was not redeemed within a year of being bought, so it has expired.',
    message: (p: { why: 'refunded' | 'expired' }) => `A fan tried to redeem a gift that was ${p.why}.`,
  },
  GiftTaken: {
    code: 'TF_GIFT_TAKEN',
    status: 409,
    quiet: true,
    title: 'This gift was already redeemed',
    visitor: 'This gift has already been redeemed, by another email address. A gift can be redeemed once.',
    message: () => 'A second redemption of a gift was refused.',
  },
  GiftBusy: {
    code: 'TF_GIFT_BUSY',
    status: 409,
    quiet: true,
    retryAfter: 5,
    title: 'This gift is being redeemed',
    visitor: 'This gift is being redeemed right now, perhaps in another tab. Wait a few seconds, then reload this page.',
    message: () => 'Two redemptions of one gift at once; the second waits.',
  },
  GiftNotNeeded: {
    code: 'TF_GIFT_NOT_NEEDED',
    status: 409,
    quiet: true,
    title: 'You already have this membership',
    visitor: 'You already hold this tier (or a higher one), so the gift was not redeemed and nothing was extended. It stays as it is, for someone else or for later.',
    message: () => 'A member tried to redeem a gift of a tier they hold; it was kept unredeemed.',
  },
  GiftDeliveryUnauthorized: {
    code: 'TF_GIFT_DELIVERY_UNAUTHORIZED',
    status: 401,
    quiet: true,
    title: 'Not allowed',
    visitor: 'This address is only for the site\'s own scheduler.',
    message: () => 'Gift delivery was called without the right "Authorization: Bearer" CRON_SECRET (or CRON_SECRET is not set), so nothing was sent.',
    hint: 'Set CRON_SECRET in the host\'s environment (at least 16 characters); Vercel Cron sends it as "Authorization: Bearer <CRON_SECRET>". Other schedulers can POST instead.',
  },
  GiftFormInvalid: {
    code: 'TF_GIFT_FORM_INVALID',
    status: 400,
    quiet: true,
    title: 'Please check the form',
    visitor: (p: { problem: string }) => `${p.problem} Nothing was charged or sent; go back to keep what you typed.`,
    message: (p: { problem: string }) => `A gift form was refused: ${p.problem}`,
  },

  // ---- Letters to the creator ----

  LettersOff: {
    code: 'TF_LETTERS_OFF',
    status: 404,
    quiet: true,
    title: 'Not found',
    visitor: 'There is no such page on this site.',
    message: () => 'A letter was posted, but site.yaml says letters: off.',
  },
  LetterNotAllowed: {
    code: 'TF_LETTER_NOT_ALLOWED',
    status: 403,
    quiet: true,
    title: 'Letters are for members',
    visitor: (p: { who: string }) => `Writing to the creator from this site is open to ${p.who}. Nothing was sent.`,
    message: (p: { who: string }) => `A signed-in fan who is not among ${p.who} tried to send a letter (site.yaml letters).`,
  },
  LetterInvalid: {
    code: 'TF_LETTER_INVALID',
    status: 400,
    quiet: true,
    title: 'Please check your letter',
    visitor: (p: { problem: string }) => `${p.problem} Nothing was sent; go back to keep what you wrote.`,
    message: (p: { problem: string }) => `A letter was refused: ${p.problem}`,
  },
  LettersTooMany: {
    code: 'TF_LETTERS_TOO_MANY',
    status: 429,
    quiet: true,
    title: 'That is all the letters for today',
    visitor: 'You have sent as many letters today as this site passes on in a day. Nothing was sent; go back to keep what you wrote, and send it tomorrow.',
    message: () => 'A fan reached the daily number of letters.',
  },
  LetterNotSent: {
    code: 'TF_LETTER_NOT_SENT',
    status: 503,
    retryAfter: 300,
    title: 'Your letter could not be sent',
    visitor: 'This site could not send your letter just now. Nothing was sent; go back to keep what you wrote, and try again later.',
    message: (p: { why: 'no-creator-email' | 'no-provider' | 'provider-failed'; detail?: string }) =>
      p.why === 'no-creator-email'
        ? 'A fan wrote a letter, but CREATOR_EMAIL is not set, so it had nowhere to go.'
        : p.why === 'no-provider'
          ? 'A fan wrote a letter, but email is not set up (EMAIL_PROVIDER).'
          : `A fan's letter was not sent: ${p.detail ?? 'the email provider refused it'}.`,
    hint: 'Set CREATOR_EMAIL and an EMAIL_PROVIDER with its key (docs/configuration.md), or set `letters: off` in content/site.yaml.',
  },
} as const satisfies Record<string, ErrorEntry<any>>;

export type ErrorName = keyof typeof Errors;
export type CatalogueEntry = (typeof Errors)[ErrorName];
export type ErrorCode = CatalogueEntry['code'];
