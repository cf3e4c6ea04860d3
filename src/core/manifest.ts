// The public deploy manifest, written by the build to dist/_truefans/manifest.json and read by the edge
// function. It holds only what is safe to publish: which paths are gated and by which tier, the tiers and
// offers with their prices, and the id of the key the content was sealed with. Never plaintext.

import { z } from 'zod';
import { ASSET_ROUTE } from './paths.ts';

const access = z.string().min(1);

const pageEntrySchema = z.object({ post: z.string(), title: z.string(), access: z.array(access).min(1) });
const assetEntrySchema = z.object({
  access,
  type: z.string(),
  name: z.string(),
  post: z.string().nullable(),
  /** Audio or video sealed in chunks (core/crypto/media.ts), served with byte ranges: its plaintext size and length in seconds. */
  media: z.object({ size: z.number().int().nonnegative(), seconds: z.number().nonnegative().optional() }).optional(),
});
export const entrySchemas = { pages: pageEntrySchema, assets: assetEntrySchema } as const;

export const manifestSchema = z.object({
  version: z.literal(1),
  /** Key id of the secret the build sealed with (public; tells secrets apart, reveals nothing). */
  kid: z.string(),
  builtAt: z.string(),
  site: z.object({
    title: z.string(),
    url: z.string(),
    author: z.string(),
    language: z.string(),
    currency: z.string(),
    /** Stripe Tax in Checkout (site.yaml `tax`); absent in manifests built before it existed. */
    tax: z.enum(['none', 'automatic']).optional(),
    /** Whether prices include the tax (site.yaml `tax_prices`), for Stripe's `tax_behavior`. */
    taxPrices: z.enum(['inclusive', 'exclusive']).optional(),
    thankYou: z.string(),
    /** The anniversary thank-you (site.yaml `anniversary`); absent: none is sent. */
    anniversary: z.string().optional(),
    fanGoal: z.number(),
    /** site.yaml `show_fans`: the live fan meter is public. Absent or false: its route answers 404. */
    showFans: z.boolean().optional(),
    /** site.yaml `weekly_digest`: the scheduler's digest route emails the creator; absent: it answers 404. */
    weeklyDigest: z.boolean().optional(),
    /** site.yaml `fan_goal_each` (a year, major units), for the digest's revenue goal; set with weeklyDigest. */
    fanGoalEach: z.number().optional(),
    /** site.yaml `weekly_digest_at` ("monday 08:00", UTC); set with weeklyDigest. */
    digestAt: z.string().optional(),
    /** site.yaml `supporter_wall`: Checkout asks for a name, the account page edits it, /supporters/ lists them. */
    supporterWall: z.boolean().optional(),
    /** site.yaml `gifts`: the durations (months) a gift membership can be bought for; absent: no gifts. */
    gifts: z.array(z.number().int().min(1).max(24)).optional(),
    /** site.yaml `letters`: who may write to the creator (`members`, `followers` or a tier id); absent or `off`: nobody. */
    letters: z.string().optional(),
    /** The path of the site's terms page (content/pages/terms.md), when it has one; Checkout links it. */
    terms: z.string().startsWith('/').optional(),
  }),
  /** Ranked lowest first; a higher tier opens everything below it. Prices in minor units (cents). */
  tiers: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      monthly: z.number().int().optional(),
      yearly: z.number().int().optional(),
      trialDays: z.number().int().optional(),
      /** Stripe product and price ids from elsewhere that count as this tier (site.yaml `tiers[].also`). */
      also: z.array(z.string()).optional(),
    }),
  ),
  offers: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      price: z.number().int(),
      /** The sealed download, if the offer has a file. */
      asset: z.string().optional(),
    }),
  ),
  payWhatYouWant: z.object({ minimum: z.number().int(), suggested: z.array(z.number().int()) }).nullable(),
  /** Canonical page path (`/posts/slug/`) -> the post and every access value gated on that page. */
  pages: z.record(z.string(), pageEntrySchema),
  /** Sealed asset id -> what it needs and how to serve it. */
  assets: z.record(z.string(), assetEntrySchema),
});

/**
 * What the edge checks when it loads the manifest: all of it but the entries of `pages` and `assets`,
 * which it checks one at a time when first used (boot.ts). Checking every entry at load made each new
 * isolate's first request pay for the whole site: about 30 ms of schema checks for 10,000 posts.
 */
const entries = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: 'expected an object' });
export const manifestHeadSchema = manifestSchema.extend({ pages: entries, assets: entries });

export type ManifestHead = z.infer<typeof manifestHeadSchema>;
export type PageEntry = z.infer<typeof pageEntrySchema>;
export type AssetEntry = z.infer<typeof assetEntrySchema>;

export type Manifest = z.infer<typeof manifestSchema>;

/** Stripe lookup keys, shared by the checkout route and `npm run stripe:sync`. */
export const lookupKey = {
  tier: (tier: string, interval: 'month' | 'year') => `truefans:tier:${tier}:${interval}`,
  offer: (offer: string) => `truefans:offer:${offer}`,
};

/** The URL path under which the function serves an opened asset (an offer's download, a sealed image). */
export function downloadPath(asset: string, name: string): string {
  return `${ASSET_ROUTE}/${asset}/${encodeURIComponent(name)}`;
}
