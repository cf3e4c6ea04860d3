// Prints every catalogue entry's texts, so any wording change shows up in review, and checks the
// catalogue's own rules: codes are unique, and every entry that answers a request has a visitor text.

import { describe, expect, it } from 'vitest';
import { Errors, TruefansError, type ErrorName, type ParamsOf } from '../../src/core/errors.ts';

/** Sample parameters for every entry; the type makes a new entry without samples a type error. */
const samples: { [K in ErrorName]: ParamsOf<(typeof Errors)[K]> } = {
  SecretInvalid: { name: 'TRUEFANS_SECRET', problem: 'short', length: 9, minLength: 43 },
  ContentInvalid: { problems: ['content/site.yaml: tiers[1].monthly: expected a positive number, got "five"', 'content/posts/hello.md: access: expected one of public, members, got "memebers"'] },
  EnvInvalid: { problems: ['STRIPE_SECRET_KEY is not set.'] },
  ClockInvalid: { value: 'next tuesday' },
  ManifestInvalid: { file: '/_truefans/manifest.json', problem: 'is not valid JSON' },
  PlatformConfigInvalid: { kind: 'platforms', unknown: ['fly'], platforms: ['netlify', 'cloudflare', 'vercel'] },
  BundleTooLarge: { platform: 'netlify', size: '21000.0 KiB', limit: '20 MB gzip' },
  LeakFound: { files: 1, leaks: '  - dist/index.html: text of post "secret-post"' },
  SealBlockInvalid: { file: 'dist/posts/a/index.html', problem: '<truefans-gate> elements cannot be nested' },
  SealOutsidePost: { file: 'dist/about/index.html' },
  SealTierUnknown: { file: 'dist/posts/a/index.html', post: 'a', tier: 'patorn', tiers: ['members', 'patron'] },
  SealOpenFailed: undefined,
  SealMalformed: undefined,
  GateMalformed: undefined,
  MarkupInvalid: { problem: '<truefans-gate> without a closing </truefans-gate>' },
  UnknownKeyId: undefined,
  TokenTooLong: undefined,
  TokenNoSubject: undefined,
  TokenFromFuture: undefined,
  TokenInvalid: undefined,
  FollowEmailNotSetUp: undefined,
  FollowLinkExpired: undefined,
  UnsubscribeLinkInvalid: undefined,
  SessionClaimsInvalid: undefined,
  LinkClaimsInvalid: undefined,
  LinkTooLongLived: undefined,
  FeedClaimsInvalid: undefined,
  StripePriceMissing: { key: 'truefans:tier:patron:month', problem: 'does not exist in this Stripe account' },
  StripeUnavailable: { what: 'starting a checkout', status: ' (HTTP 503)' },
  StripeRefused: { what: 'starting a checkout', status: ' (HTTP 401)', httpStatus: 401 },
  EmailFailed: { provider: 'Resend', httpStatus: 403 },
  EmailNotSetUp: undefined,
  GiftNotFound: undefined,
  GiftUnavailable: { why: 'refunded' },
  GiftTaken: undefined,
  GiftBusy: undefined,
  GiftNotNeeded: undefined,
  GiftDeliveryUnauthorized: undefined,
  GiftFormInvalid: { problem: 'Their email does not look like an email address.' },
  LettersOff: undefined,
  LetterNotAllowed: { who: 'members of True Fan or a higher tier' },
  LetterInvalid: { problem: 'The letter is empty.' },
  LettersTooMany: undefined,
  LetterNotSent: { why: 'no-creator-email' },
  NotConfigured: undefined,
  Unexpected: { what: 'TypeError', path: '/_truefans/account', message: 'x is not a function' },
  ShellFailed: undefined,
  BadRequest: undefined,
  MethodNotAllowed: undefined,
  CrossSite: undefined,
  BodyTooLarge: { limit: 8192 },
  RateLimited: undefined,
  MembershipUnconfirmed: undefined,
  NotAvailable: { what: 'purchase' },
  AlreadyHeld: { kind: 'tier' },
  NoPlanToChange: undefined,
  NotYourMembership: undefined,
  CheckoutNotFound: undefined,
  CheckoutNotFinished: { why: 'open' },
  PaymentProcessing: undefined,
  MembershipInactive: undefined,
  CheckoutExpired: undefined,
  CheckoutOtherBrowser: undefined,
  SignInLinkExpired: undefined,
  FileNotFound: undefined,
  FileMembersOnly: undefined,
  SealedFileMissing: { path: '/_truefans/sealed/a1.bin', asset: 'songbook.pdf', httpStatus: 404 },
  SealedFileUnreadable: { asset: 'songbook.pdf', cause: 'TF_SEAL_OPEN_FAILED' },
  DigestOff: undefined,
  DigestUnauthorized: undefined,
  RangeNotSatisfiable: undefined,
  FanMeterOff: undefined,
  SupporterWallOff: undefined,
  FeedNotFound: undefined,
  FeedEnded: undefined,
  FeedTemplateMissing: { path: '/_truefans/feed.json', httpStatus: 404 },
  WebhookNotConfigured: undefined,
  WebhookNoSignature: undefined,
  WebhookTooLarge: undefined,
  WebhookFromFuture: undefined,
  WebhookBadSignature: undefined,
  WebhookRetry: undefined,
};

const entries = Object.entries(Errors) as [ErrorName, (typeof Errors)[ErrorName]][];

describe('the error catalogue', () => {
  it('gives every entry its own code', () => {
    const codes = entries.map(([, e]) => e.code);
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
    for (const code of codes) expect(code).toMatch(/^TF_[A-Z_]+$/);
  });

  it('gives every entry that answers a request a visitor text and a title', () => {
    for (const [name, entry] of entries) {
      if (!('status' in entry)) continue;
      const error = new TruefansError(entry, samples[name] as never);
      expect(error.visitor, name).toBeTruthy();
      expect(error.title, name).toBeTruthy();
    }
  });

  it('prints every entry', () => {
    const printed = entries.map(([name, entry]) => {
      const error = new TruefansError(entry, samples[name] as never);
      return [
        `${name} ${error.code}${'status' in entry ? ` ${entry.status}` : ''}${'plainText' in entry ? ' (plain text)' : ''}${'quiet' in entry ? ' (no log line)' : ''}`,
        `  title: ${error.title}`,
        ...(error.visitor ? [`  visitor: ${error.visitor}`] : []),
        `  message: ${error.message.replace(/\n/g, '\n    ')}`,
        ...(error.hint ? [`  hint: ${error.hint}`] : []),
      ].join('\n');
    });
    expect(printed.join('\n')).toMatchInlineSnapshot(`
      "SecretInvalid TF_SECRET_INVALID
        title: The secret is missing or weak
        message: TRUEFANS_SECRET is too short (9 characters); it must hold at least 32 random bytes (43 characters of base64url).
        hint: Make one with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))" and set it as TRUEFANS_SECRET in your host's environment (never commit it).
      ContentInvalid TF_CONTENT_INVALID
        title: A mistake in content/
        message: There are 2 problems in content/:
            - content/site.yaml: tiers[1].monthly: expected a positive number, got "five"
            - content/posts/hello.md: access: expected one of public, members, got "memebers"
        hint: Fix these, then run \`npm run check\` to confirm.
      EnvInvalid TF_ENV_INVALID
        title: The edge function is not configured
        message: The edge function is not configured:
            - STRIPE_SECRET_KEY is not set.
      ClockInvalid TF_CLOCK_INVALID
        title: The build clock is not a date
        message: TRUEFANS_NOW is "next tuesday", which is not a date.
        hint: Set it to a date like 2026-11-22 or a date-time like 2026-11-22T09:00:00Z to build the site as it will be then, or unset it to build at the current time.
      ManifestInvalid TF_MANIFEST_INVALID
        title: The deploy manifest is missing or malformed
        message: /_truefans/manifest.json is not valid JSON.
        hint: Rebuild the site with \`npm run build\` and deploy the whole dist/ folder.
      PlatformConfigInvalid TF_PLATFORM_CONFIG_INVALID
        title: A platform setting cannot be used
        message: TRUEFANS_PLATFORMS has "fly", which is not a platform truefans deploys to.
        hint: Use a comma-separated list of netlify, cloudflare, vercel, or "none"; leave it unset for all three.
      BundleTooLarge TF_BUNDLE_TOO_LARGE
        title: A platform function is too large
        message: The netlify function is 21000.0 KiB gzip, over the platform's limit (20 MB gzip).
        hint: This is a truefans bug, not something in your content: please report it with this message.
      LeakFound TF_LEAK_FOUND
        title: Members-only content in the clear
        message: The leak check found members-only content in the clear in 1 file(s); nothing was published:
            - dist/index.html: text of post "secret-post"
        hint: If a description, tag or public part repeats members-only text, change it; if the text is meant to be public, move it above the members-only part.
      SealBlockInvalid TF_SEAL_BLOCK_INVALID
        title: A members-only block is nested or left open
        message: dist/posts/a/index.html: <truefans-gate> elements cannot be nested.
        hint: Members-only blocks cannot be nested or left open; check the <MembersOnly> blocks of this post.
      SealOutsidePost TF_SEAL_OUTSIDE_POST
        title: Members-only content outside a post
        message: dist/about/index.html: members-only content outside a post.
        hint: Only posts in content/posts/ can have members-only parts; move it into a post.
      SealTierUnknown TF_SEAL_TIER_UNKNOWN
        title: A members-only block names an unknown tier
        message: dist/posts/a/index.html: a members-only block of post "a" is for tier "patorn", which content/site.yaml does not have.
        hint: Use one of: members, patron.
      SealOpenFailed TF_SEAL_OPEN_FAILED
        title: A sealed part could not be opened
        message: A sealed part could not be opened: it was made with another secret, for another post or tier, or changed.
      SealMalformed TF_SEAL_MALFORMED
        title: A sealed part is in an unknown format
        message: A sealed part is not in a format this version of truefans reads.
      GateMalformed TF_GATE_MALFORMED
        title: A sealed part of a page is malformed
        message: A <truefans-gate> in a built page could not be read.
      MarkupInvalid TF_MARKUP_INVALID
        title: Markup the function does not understand
        message: <truefans-gate> without a closing </truefans-gate>
        hint: Rebuild the site with \`npm run build\`; the function reads only the markup the build writes.
      UnknownKeyId TF_UNKNOWN_KID
        title: A key id that is not this site's
        message: The key id is not one of this site's secrets.
      TokenTooLong TF_TOKEN_TOO_LONG
        title: A token is too long
        message: The token is longer than any token this site signs.
      TokenNoSubject TF_TOKEN_NO_SUBJECT
        title: A token without a subject
        message: The token names nobody.
      TokenFromFuture TF_TOKEN_FROM_FUTURE
        title: A token from the future
        message: The token was issued later than now.
      TokenInvalid TF_TOKEN_INVALID
        title: A token that does not verify
        message: The token is not one this site signed.
      SessionClaimsInvalid TF_SESSION_CLAIMS_INVALID
        title: A session with unknown claims
        message: The session cookie's claims are not the ones this site writes.
      LinkClaimsInvalid TF_LINK_CLAIMS_INVALID
        title: A sign-in link with unknown claims
        message: The sign-in link's claims are not the ones this site writes.
      LinkTooLongLived TF_LINK_TOO_LONG_LIVED
        title: A sign-in link that lives too long
        message: The sign-in link is valid for longer than this site allows.
      FeedClaimsInvalid TF_FEED_CLAIMS_INVALID
        title: A feed address with unknown claims
        message: The feed token's claims are not the ones this site writes.
      StripePriceMissing TF_STRIPE_PRICE_MISSING 503
        title: This is not for sale yet
        visitor: The site owner has not finished setting up payments for this: they need to run \`npm run stripe:sync\`. Please try again later.
        message: The Stripe price "truefans:tier:patron:month" does not exist in this Stripe account.
        hint: Run \`npm run stripe:sync\` with this site's STRIPE_SECRET_KEY to create or update the prices from content/site.yaml.
      StripeUnavailable TF_STRIPE_UNAVAILABLE 503
        title: Payments are unavailable right now
        visitor: The payment service this site uses did not answer as expected. Nothing was charged by this request. Please try again in a few minutes.
        message: Stripe could not be reached while starting a checkout (HTTP 503).
      StripeRefused TF_STRIPE_REFUSED 503
        title: Payments are unavailable right now
        visitor: The payment service this site uses did not answer as expected. Nothing was charged by this request. Please try again in a few minutes.
        message: Stripe refused a request while starting a checkout (HTTP 401).
        hint: Check STRIPE_SECRET_KEY: Stripe does not accept it.
      EmailFailed TF_EMAIL_FAILED
        title: An email could not be sent
        message: Resend refused an email (HTTP 403).
        hint: Check the Resend credentials in your host's environment.
      EmailNotSetUp TF_EMAIL_NOT_SET_UP 503
        title: Sign-in by email is not available
        visitor: This site cannot send email yet, so it cannot send you a sign-in link. Please try again later.
        message: a fan asked for a sign-in link, but email is not set up.
        hint: Set EMAIL_PROVIDER (resend, postmark or outbox) and its key; see docs/configuration.md.
      FollowEmailNotSetUp TF_FOLLOW_EMAIL_NOT_SET_UP 503
        title: Following by email is not available
        visitor: This site cannot send email yet, so it cannot send you the link to confirm. Please try again later.
        message: a reader asked to follow by email, but email is not set up.
        hint: Set EMAIL_PROVIDER (resend, postmark or outbox) and its key; see docs/configuration.md.
      NotConfigured TF_NOT_CONFIGURED 503 (no log line)
        title: This site is not set up yet
        visitor: Members-only pages, sign-in and checkout are unavailable until the site owner finishes the configuration. Please try again later. (Site owner: the function's log names the setting to fix.)
        message: A request needed the function, whose configuration or deploy is not usable.
      Unexpected TF_UNEXPECTED 503
        title: Something went wrong on our side
        visitor: This page could not be served just now. Please try again in a few minutes.
        message: unexpected TypeError on /_truefans/account: x is not a function
      ShellFailed TF_SHELL_FAILED 503 (plain text) (no log line)
        title: Service unavailable
        visitor: Service unavailable. Please try again later.
        message: An error page could not be rendered.
      BadRequest TF_BAD_REQUEST 400 (plain text) (no log line)
        title: Bad request
        visitor: Bad request
        message: A request whose URL could not be read.
      MethodNotAllowed TF_METHOD_NOT_ALLOWED 405 (plain text) (no log line)
        title: Method not allowed
        visitor: Method not allowed
        message: A request with a method this path does not take.
      CrossSite TF_CROSS_SITE 403 (no log line)
        title: This request came from another site
        visitor: For your safety, this form only works from this site's own pages. Go back to the site and try again.
        message: A form was posted from another origin.
      BodyTooLarge TF_BODY_TOO_LARGE 413 (no log line)
        title: That request is too large
        visitor: This site accepts at most 8 KB here, so nothing was done. Go back to the page and try again.
        message: A request body was over its cap of 8192 bytes.
      RateLimited TF_RATE_LIMITED 429 (no log line)
        title: Too many requests
        visitor: This site is getting more requests like this one than it can pass on right now. Nothing was done. Please wait a minute and try again.
        message: Requests that cost a Stripe call or an email came faster than the limit.
      MembershipUnconfirmed TF_MEMBERSHIP_UNCONFIRMED 503 (no log line)
        title: We can't confirm your membership right now
        visitor: The payment service this site uses is not answering, and it has been a while since your membership was last confirmed. Please try again in a few minutes.
        message: Stripe did not answer and the fan's last check is older than the grace period.
      NotAvailable TF_NOT_OFFERED 400 (no log line)
        title: That choice is not available
        visitor: This site does not offer that membership, purchase or amount. Please pick one from the page.
        message: A form asked for a tier, offer or amount the site does not offer.
      AlreadyHeld TF_ALREADY_HELD 409 (no log line)
        title: You already have this
        visitor: You are already a member. To change your membership, use "Manage membership" on your account page, so you are not charged twice.
        message: A fan tried to buy a tier while holding one.
      NoPlanToChange TF_NO_PLAN_TO_CHANGE 409 (no log line)
        title: There is no membership to change
        visitor: Your membership is not active, so there is nothing to switch. You can join again from the membership page.
        message: A fan without a live membership asked to switch plans.
      NotYourMembership TF_NOT_YOUR_MEMBERSHIP 403 (no log line)
        title: That membership is not yours to manage here
        visitor: This browser can manage only the memberships it is signed in for. Sign in with the email you paid with to manage all of them.
        message: A session asked for the billing portal of a customer it does not cover.
      CheckoutNotFound TF_CHECKOUT_NOT_FOUND 404 (no log line)
        title: We could not find that checkout
        visitor: This link does not match a checkout on this site. If you paid, sign in with the email you paid with.
        message: A checkout completion named a session Stripe does not have.
      CheckoutNotFinished TF_CHECKOUT_NOT_FINISHED 402 (no log line)
        title: Your checkout is not finished
        visitor: Stripe has not completed this checkout yet. Go back and finish paying, or start again.
        message: A checkout completion arrived before Stripe completed the session.
      PaymentProcessing TF_PAYMENT_PROCESSING 202 (no log line)
        title: Your payment is processing
        visitor: Your bank is confirming the payment, which can take a few business days. We will email you as soon as it arrives; then sign in with the email you paid with and it is all yours.
        message: A checkout completed with a payment still processing.
      MembershipInactive TF_MEMBERSHIP_INACTIVE 402 (no log line)
        title: Your membership is not active
        visitor: Stripe did not activate this membership, usually because the first payment failed. Please try again.
        message: A checkout completed with a subscription that is not active.
      CheckoutExpired TF_CHECKOUT_EXPIRED 410 (no log line)
        title: This checkout link has expired
        visitor: This checkout is too old to sign you in from here. Sign in with the email you paid with.
        message: A checkout completion link was used after its time.
      CheckoutOtherBrowser TF_CHECKOUT_OTHER_BROWSER 403 (no log line)
        title: Payment received, but this browser did not start it
        visitor: For your safety we only sign in the browser that started the checkout. Sign in with the email you paid with, and we will send you a link.
        message: A checkout completion came from a browser without the checkout's cookie.
      SignInLinkExpired TF_LINK_EXPIRED 400 (no log line)
        title: This sign-in link has expired
        visitor: Sign-in links work once, for 15 minutes. Ask for a new one below.
        message: A sign-in link that is expired, used or not this site's.
      FollowLinkExpired TF_FOLLOW_LINK_EXPIRED 400 (no log line)
        title: This link has expired
        visitor: Links to confirm that you follow work for two days. Enter your email in the form at the end of any post to get a new one.
        message: A follow confirmation link that is expired, altered or not this site's.
      UnsubscribeLinkInvalid TF_UNSUBSCRIBE_LINK_INVALID 400 (no log line)
        title: This unsubscribe link does not work
        visitor: It may be incomplete or more than a year old. Sign in and turn post emails off on your account page, or reply to any email you got from this site and ask.
        message: An unsubscribe link that is altered, expired or not this site's.
      FileNotFound TF_FILE_NOT_FOUND 404 (no log line)
        title: Not found
        visitor: There is no such file on this site.
        message: A sealed file that the manifest does not have.
      FileMembersOnly TF_FILE_MEMBERS_ONLY 403 (no log line)
        title: Members only
        visitor: This file is for members. Join, or sign in with the email you paid with.
        message: A sealed file asked for by a reader whose tier does not open it.
      SealedFileMissing TF_SEALED_FILE_MISSING 503
        title: This file is not available
        visitor: This file could not be opened just now. Please try again later.
        message: the sealed file /_truefans/sealed/a1.bin for asset "songbook.pdf" is missing from the deploy (HTTP 404).
        hint: Rebuild and redeploy.
      RangeNotSatisfiable TF_RANGE_NOT_SATISFIABLE 416 (no log line)
        title: Range not satisfiable
        visitor: That part of the file does not exist: it starts after the end of the file.
        message: A byte range that starts after the end of a sealed recording.
      SealedFileUnreadable TF_SEALED_FILE_UNREADABLE 503
        title: This file is not available
        visitor: This file could not be opened just now. Please try again later.
        message: TF_SEAL_OPEN_FAILED: the sealed file for asset "songbook.pdf" could not be opened.
        hint: Rebuild with the TRUEFANS_SECRET the function uses.
      FanMeterOff TF_FAN_METER_OFF 404 (no log line)
        title: Not found
        visitor: There is no such page on this site.
        message: The fan meter was asked for, but site.yaml does not say show_fans: true, so the count stays private.
      DigestOff TF_DIGEST_OFF 404 (no log line)
        title: Not found
        visitor: There is no such page on this site.
        message: The weekly digest was asked for, but site.yaml does not say weekly_digest: true.
      DigestUnauthorized TF_DIGEST_UNAUTHORIZED 401 (no log line)
        title: Not allowed
        visitor: This address is only for the site's own scheduler.
        message: The weekly digest route was called without the right "Authorization: Bearer" CRON_SECRET (or CRON_SECRET is not set), so nothing was sent.
        hint: Set CRON_SECRET in the host's environment (at least 16 characters); the scheduler sends it as "Authorization: Bearer <CRON_SECRET>".
      SupporterWallOff TF_SUPPORTER_WALL_OFF 404 (no log line)
        title: Not found
        visitor: There is no such page on this site.
        message: The supporter wall was asked for, but site.yaml does not say supporter_wall: true, so no names are shown or collected.
      FeedNotFound TF_FEED_NOT_FOUND 404 (no log line)
        title: Feed not found
        visitor: This private feed address is not valid any more. Copy the current one from your account page.
        message: A private feed address that does not verify.
      FeedEnded TF_FEED_ENDED 410 (no log line)
        title: This feed has ended
        visitor: This private feed no longer belongs to a member.
        message: A private feed whose owner is no longer a Stripe customer.
      FeedTemplateMissing TF_FEED_TEMPLATE_MISSING 503
        title: Feed unavailable
        visitor: This feed could not be built just now. Please try again later.
        message: /_truefans/feed.json is missing or malformed in the deploy (HTTP 404).
        hint: Rebuild and redeploy.
      WebhookNotConfigured TF_WEBHOOK_NOT_CONFIGURED 503 (plain text)
        title: Webhook endpoint not configured
        visitor: Webhook endpoint not configured.
        message: a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set.
        hint: Copy the signing secret (whsec_...) of this endpoint from the Stripe dashboard into your host's environment.
      WebhookNoSignature TF_WEBHOOK_NO_SIGNATURE 400 (plain text) (no log line)
        title: Missing Stripe-Signature
        visitor: Missing Stripe-Signature.
        message: A webhook request without a Stripe-Signature header.
      WebhookTooLarge TF_WEBHOOK_TOO_LARGE 413 (plain text) (no log line)
        title: Too large
        visitor: Too large.
        message: A webhook body over its cap.
      WebhookFromFuture TF_WEBHOOK_FROM_FUTURE 400 (plain text) (no log line)
        title: Signature timestamp in the future
        visitor: Signature timestamp is in the future.
        message: A webhook signed with a timestamp past the tolerance.
      WebhookBadSignature TF_WEBHOOK_BAD_SIGNATURE 400 (plain text) (no log line)
        title: Invalid signature
        visitor: Invalid signature.
        message: A webhook whose signature does not verify with STRIPE_WEBHOOK_SECRET.
      WebhookRetry TF_WEBHOOK_RETRY 503 (plain text) (no log line)
        title: Try again later
        visitor: Try again later.
        message: A webhook event could not be handled for now; Stripe retries it.
      GiftNotFound TF_GIFT_NOT_FOUND 404 (no log line)
        title: We could not find that gift
        visitor: This gift link is not valid, or has expired. Check that you copied the whole link, or ask the person who gave it to you.
        message: A gift link that does not verify, or names a session that is not a paid gift.
      GiftUnavailable TF_GIFT_UNAVAILABLE 410 (no log line)
        title: This gift can no longer be redeemed
        visitor: This gift was refunded, so it can no longer be redeemed.
        message: A fan tried to redeem a gift that was refunded.
      GiftTaken TF_GIFT_TAKEN 409 (no log line)
        title: This gift was already redeemed
        visitor: This gift has already been redeemed, by another email address. A gift can be redeemed once.
        message: A second redemption of a gift was refused.
      GiftBusy TF_GIFT_BUSY 409 (no log line)
        title: This gift is being redeemed
        visitor: This gift is being redeemed right now, perhaps in another tab. Wait a few seconds, then reload this page.
        message: Two redemptions of one gift at once; the second waits.
      GiftNotNeeded TF_GIFT_NOT_NEEDED 409 (no log line)
        title: You already have this membership
        visitor: You already hold this tier (or a higher one), so the gift was not redeemed and nothing was extended. It stays as it is, for someone else or for later.
        message: A member tried to redeem a gift of a tier they hold; it was kept unredeemed.
      GiftDeliveryUnauthorized TF_GIFT_DELIVERY_UNAUTHORIZED 401 (no log line)
        title: Not allowed
        visitor: This address is only for the site's own scheduler.
        message: Gift delivery was called without the right "Authorization: Bearer" CRON_SECRET (or CRON_SECRET is not set), so nothing was sent.
        hint: Set CRON_SECRET in the host's environment (at least 16 characters); Vercel Cron sends it as "Authorization: Bearer <CRON_SECRET>". Other schedulers can POST instead.
      GiftFormInvalid TF_GIFT_FORM_INVALID 400 (no log line)
        title: Please check the form
        visitor: Their email does not look like an email address. Nothing was charged or sent; go back to keep what you typed.
        message: A gift form was refused: Their email does not look like an email address.
      LettersOff TF_LETTERS_OFF 404 (no log line)
        title: Not found
        visitor: There is no such page on this site.
        message: A letter was posted, but site.yaml says letters: off.
      LetterNotAllowed TF_LETTER_NOT_ALLOWED 403 (no log line)
        title: Letters are for members
        visitor: Writing to the creator from this site is open to members of True Fan or a higher tier. Nothing was sent.
        message: A signed-in fan who is not among members of True Fan or a higher tier tried to send a letter (site.yaml letters).
      LetterInvalid TF_LETTER_INVALID 400 (no log line)
        title: Please check your letter
        visitor: The letter is empty. Nothing was sent; go back to keep what you wrote.
        message: A letter was refused: The letter is empty.
      LettersTooMany TF_LETTERS_TOO_MANY 429 (no log line)
        title: That is all the letters for today
        visitor: You have sent as many letters today as this site passes on in a day. Nothing was sent; go back to keep what you wrote, and send it tomorrow.
        message: A fan reached the daily number of letters.
      LetterNotSent TF_LETTER_NOT_SENT 503
        title: Your letter could not be sent
        visitor: This site could not send your letter just now. Nothing was sent; go back to keep what you wrote, and try again later.
        message: A fan wrote a letter, but CREATOR_EMAIL is not set, so it had nowhere to go.
        hint: Set CREATOR_EMAIL and an EMAIL_PROVIDER with its key (docs/configuration.md), or set \`letters: off\` in content/site.yaml."
    `);
  });
});
