// Every URL path the function answers and every file path the build writes for it, in one place: the
// routes, the build's files under /_truefans/, the pages the function reads as templates, and the public
// pages it tailors. The core, the build and the platform emitters all take their paths from here.

/** Everything the function owns lives under this prefix (its routes and the build's files for it). */
export const FUNCTION_PREFIX = '/_truefans/';

/** The function's own routes. `feed` is a prefix: `${ROUTES.feed}<token>`. */
export const ROUTES = {
  checkout: '/_truefans/checkout',
  checkoutComplete: '/_truefans/checkout/complete',
  signIn: '/_truefans/signin',
  signInConfirm: '/_truefans/signin/confirm',
  signOut: '/_truefans/signout',
  portal: '/_truefans/portal',
  account: '/_truefans/account',
  plan: '/_truefans/plan',
  planDone: '/_truefans/plan/done',
  feedReset: '/_truefans/feed-reset',
  follow: '/_truefans/follow',
  followConfirm: '/_truefans/follow/confirm',
  /** The link in every post email; its POST is also RFC 8058's one-click unsubscribe. */
  unsubscribe: '/_truefans/unsubscribe',
  /** The account page's "post emails on / off" form. */
  postEmails: '/_truefans/post-emails',
  webhook: '/_truefans/webhook',
  feed: '/_truefans/feed/',
  /** The live "312 of 1,000 true fans" meter, an SVG image (site.yaml `show_fans: true`; else 404). */
  fanMeter: '/_truefans/fans.svg',
  /** The account page's form that sets or removes the fan's name on the supporter wall. */
  wall: '/_truefans/wall',
  /** The weekly digest, for the platform's scheduler only (Authorization: Bearer CRON_SECRET; site.yaml `weekly_digest: true`). */
  digest: '/_truefans/digest',
} as const;

/** Gift memberships (site.yaml `gifts`). */
export const GIFT_ROUTES = {
  /** GET: the "Give a membership" form; POST: starts its Checkout. */
  give: '/_truefans/gift',
  /** GET ?token=: the redemption link (and the buyer's status page); POST: emails the recipient a claim link. */
  redeem: '/_truefans/gift/redeem',
  /** GET ?token=: what redeeming will do, with the button; POST: redeems. */
  claim: '/_truefans/gift/claim',
  /** GET or POST with `Authorization: Bearer <CRON_SECRET>` (the platform schedulers): emails the gifts whose delivery day has come. */
  deliver: '/_truefans/gift/deliver',
} as const;

/** POST: a letter to the creator (site.yaml `letters`). */
export const LETTER_ROUTE = '/_truefans/letter';

/** The supporter wall (site.yaml `supporter_wall: true`): a public page the function draws from Stripe. */
export const SUPPORTERS_PAGE = '/supporters/';

/** The public deploy manifest (manifest.ts), written by the build and read by the function. */
export const MANIFEST_PATH = '/_truefans/manifest.json';
/** Where sealed asset blobs live in the deploy output: `${SEALED_ASSET_DIR}/<id>.bin` (a recording over 24 MiB goes on in `<id>.1.bin`, ...: media/parts.ts). */
export const SEALED_ASSET_DIR = '/_truefans/sealed';
/** Public URL prefix under which the edge function serves opened assets: `${ASSET_ROUTE}/<id>/<name>`. */
export const ASSET_ROUTE = '/_truefans/asset';
/** The members feed template: items whose HTML still holds sealed gates. */
export const FEED_TEMPLATE_PATH = '/_truefans/feed.json';
/** Where the Vercel output keeps gated pages, so that their own paths fall through to the function. */
export const VERCEL_MOVED_PAGES_DIR = '/_truefans/pages';

/** Static files the build puts under FUNCTION_PREFIX, as path patterns with a trailing `*` for "and below". */
export const STATIC_UNDER_PREFIX = [MANIFEST_PATH, FEED_TEMPLATE_PATH, `${SEALED_ASSET_DIR}/*`] as const;

/** The site's layout with placeholders, in which the function renders its own pages (pages/shell.ts). */
export const SHELL_PATH = '/truefans-shell/';
/** The built sign-in page, also the template of the function's sign-in answers (pages/signin-page.ts). */
export const SIGNIN_PAGE_PATH = '/signin/';

/**
 * Public pages that speak to a signed-in fan (their current plan marked, "Switch" instead of "Join"), so the
 * function answers them; a visitor without a session cookie gets the static file untouched (cacheable).
 */
export const TAILORED_PAGES: readonly string[] = ['/membership/'];
