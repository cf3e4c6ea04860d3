// The router: which route answers which path and method, and the list of paths a platform that routes
// selectively (Netlify's config, Vercel's routes) must send to the function.

import type { Ctx } from './context.ts';
import type { ManifestHead } from './manifest.ts';
import { ASSET_ROUTE, GIFT_ROUTES, LETTER_ROUTE, ROUTES, SUPPORTERS_PAGE, TAILORED_PAGES } from './paths.ts';
import { accountPage, openPortal, resetFeed, signedOutPage, signOut } from './routes/account.ts';
import { serveAsset } from './routes/asset.ts';
import { completeCheckout, startCheckout } from './routes/checkout.ts';
import { serveDigest } from './routes/digest.ts';
import { serveFanMeter } from './routes/fan-meter.ts';
import { serveFeed } from './routes/feed.ts';
import { saveWallName, serveSupporters } from './routes/supporters.ts';
import { confirmFollow, requestFollow, showFollowConfirm } from './routes/follow.ts';
import { changePlan, planChanged } from './routes/plan.ts';
import { showUnsubscribe, switchPostEmails, unsubscribe } from './routes/post-emails.ts';
import { confirmSignIn, requestSignIn, showConfirm, signInPage } from './routes/signin.ts';
import { receiveWebhook } from './routes/webhook.ts';
import { confirmGiftClaim, deliverGifts, giftConfirmPage, giftLinkPage, giftPage, requestGiftClaim, startGift } from './routes/gifts.ts';
import { sendLetter } from './routes/letters.ts';

export type RouteFn = (ctx: Ctx) => Promise<Response> | Response;

export interface Route {
  GET?: RouteFn;
  POST?: RouteFn;
  /** State-changing POSTs check Origin; the webhook is signed instead, and the unsubscribe link carries a token. */
  checkOrigin?: boolean;
}

const EXACT: Record<string, Route> = {
  [ROUTES.checkout]: { POST: startCheckout, checkOrigin: true },
  [ROUTES.checkoutComplete]: { GET: completeCheckout },
  [ROUTES.signIn]: { GET: signInPage, POST: requestSignIn, checkOrigin: true },
  [ROUTES.signInConfirm]: { GET: showConfirm, POST: confirmSignIn, checkOrigin: true },
  [ROUTES.signOut]: { GET: signedOutPage, POST: signOut, checkOrigin: true },
  [ROUTES.portal]: { POST: openPortal, checkOrigin: true },
  [ROUTES.account]: { GET: accountPage },
  [ROUTES.plan]: { POST: changePlan, checkOrigin: true },
  [ROUTES.planDone]: { GET: planChanged },
  [ROUTES.feedReset]: { POST: resetFeed, checkOrigin: true },
  [ROUTES.follow]: { POST: requestFollow, checkOrigin: true },
  [ROUTES.followConfirm]: { GET: showFollowConfirm, POST: confirmFollow, checkOrigin: true },
  // Authenticated by its token alone: RFC 8058's one-click POST comes from the mail provider, not the site.
  [ROUTES.unsubscribe]: { GET: showUnsubscribe, POST: unsubscribe },
  [ROUTES.postEmails]: { POST: switchPostEmails, checkOrigin: true },
  [ROUTES.webhook]: { POST: receiveWebhook },
  [ROUTES.fanMeter]: { GET: serveFanMeter },
  // Authenticated by CRON_SECRET alone; Vercel Cron Jobs call it with GET, the other schedulers as they like.
  [ROUTES.digest]: { GET: serveDigest, POST: serveDigest },
  [ROUTES.wall]: { POST: saveWallName, checkOrigin: true },
  [SUPPORTERS_PAGE.slice(0, -1)]: { GET: serveSupporters },
  [GIFT_ROUTES.give]: { GET: giftPage, POST: startGift, checkOrigin: true },
  [GIFT_ROUTES.redeem]: { GET: giftLinkPage, POST: requestGiftClaim, checkOrigin: true },
  [GIFT_ROUTES.claim]: { GET: giftConfirmPage, POST: confirmGiftClaim, checkOrigin: true },
  // Called by a scheduler, which sends no Origin; it only sends what is due, once. GET (Vercel Cron) needs CRON_SECRET.
  [GIFT_ROUTES.deliver]: { GET: deliverGifts, POST: deliverGifts },
  [LETTER_ROUTE]: { POST: sendLetter, checkOrigin: true },
};

/**
 * The paths the function must see, for adapters that route only some paths to it (Netlify's config, a
 * Vercel matcher): its own routes, then every gated page from the manifest. Variants of a gated path
 * that a CDN serves statically can only ever reach the sealed preview, never plaintext.
 */
export function functionPaths(manifest: ManifestHead): string[] {
  return [...Object.keys(EXACT), SUPPORTERS_PAGE, `${ROUTES.feed}*`, `${ASSET_ROUTE}/*`, ...TAILORED_PAGES, ...Object.keys(manifest.pages)];
}

/** The function's own route for a path, if it has one (gated and tailored pages are found by the handler). */
export function findRoute(path: string): Route | undefined {
  const exact = EXACT[path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path];
  if (exact) return exact;
  if (path.startsWith(ROUTES.feed) && path.length > ROUTES.feed.length) return { GET: serveFeed };
  if (path.startsWith(`${ASSET_ROUTE}/`)) return { GET: serveAsset };
  return undefined;
}
