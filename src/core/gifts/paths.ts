// The gift routes, beside the function's other routes (paths.ts), kept here so the gift feature's paths
// live in one small file.

export const GIFT_ROUTES = {
  /** GET: the "Give a membership" form; POST: starts its Checkout. */
  give: '/_truefans/gift',
  /** GET ?token=: the redemption link (and the buyer's status page); POST: emails the recipient a claim link. */
  redeem: '/_truefans/gift/redeem',
  /** GET ?token=: what redeeming will do, with the button; POST: redeems. */
  claim: '/_truefans/gift/claim',
  /** POST (or GET with Bearer CRON_SECRET, as Vercel Cron calls): emails the gifts whose delivery day has come (run daily by a scheduler). */
  deliver: '/_truefans/gift/deliver',
} as const;

/**
 * When the platform schedulers deliver gifts: daily at 00:05 UTC, so a gift goes out early on its day (the
 * day a buyer picks is a UTC date). Every scheduler truefans writes runs on UTC.
 */
export const GIFT_DELIVERY_CRON = '5 0 * * *';
