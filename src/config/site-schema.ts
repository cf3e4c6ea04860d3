// The schema of content/site.yaml: the site, its author and its membership tiers. This is the one file a
// creator edits to set prices. Every field is documented here, and every message reads as the fix.

import { z } from 'zod';
import { DEFAULT_DIGEST_AT, DIGEST_AT } from '../core/digest-schedule.ts';
import { priceProblem } from '../core/money.ts';

/** site.yaml `letters` values other than a tier id. */
export const LETTER_KEYWORDS = ['off', 'members', 'followers'] as const;

const ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** A Stripe product or price id (a legacy Plan id is a price id too: Stripe's Prices API accepts it). */
const STRIPE_ID = /^(prod|price|plan)_[A-Za-z0-9]{1,250}$/;
/** Access values every site has; a tier may not take these ids. */
export const RESERVED_ACCESS = ['public', 'members'] as const;

const text = (what = 'text') => z.string({ error: `expected ${what}` }).trim().min(1, { error: `expected ${what}, got an empty value` });

const price = z
  .number({ error: 'expected a positive number' })
  .positive({ error: 'expected a positive number' })
  .max(100_000, { error: 'expected a price of at most 100000' })
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, { error: 'expected at most two decimal places' });

const url = z.url({ protocol: /^https?$/, error: 'expected a full http(s) URL, like https://example.com' });

/** A path under content/, such as `images/avatar.jpg`. */
const contentPath = z
  .string({ error: 'expected a path under content/, like images/avatar.jpg' })
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), {
    error: 'expected a path inside content/, without a leading / or ..',
  });

const id = (what: string) =>
  z
    .string({ error: `expected ${what} id` })
    .regex(ID, { error: `expected ${what} id of lowercase letters, digits and dashes (like "supporter")` });

export const tierSchema = z
  .object({
    id: id('a tier')
      .refine((v) => !(RESERVED_ACCESS as readonly string[]).includes(v), {
        error: 'expected a tier id other than "public" or "members", which every site already has',
      })
      .describe('Stable id used in post frontmatter (`access: <id>`) and in Stripe lookup keys. Never change it once fans pay.'),
    name: text('a name').describe('The name fans see, like "Supporter".'),
    description: z.string().trim().default('').describe('One or two sentences on what this tier is.'),
    perks: z.array(text('a perk'), { error: 'expected a list of perks' }).default([]).describe('What a fan gets, one line each.'),
    monthly: price.optional().describe('Price per month, in the site\'s currency (e.g. 7 or 6.50).'),
    yearly: price.optional().describe('Price per year, in the site\'s currency (e.g. 70).'),
    also: z
      .array(
        z
          .string({ error: 'expected Stripe product or price ids, like [prod_N1a2b3c4, price_1Mo2p3q4]' })
          .trim()
          .regex(STRIPE_ID, { error: 'expected a Stripe product id (prod_...) or price id (price_... or plan_...), copied from the Stripe Dashboard; `npm run stripe:sync` lists the prices no tier claims yet' }),
        { error: 'expected a list of Stripe product or price ids, like [prod_N1a2b3c4, price_1Mo2p3q4]' },
      )
      .default([])
      .describe('Stripe products or prices from elsewhere (Ghost, Substack) whose subscribers count as this tier: they sign in and read at once, and their billing continues untouched. `npm run stripe:sync` lists the recurring prices no tier claims yet.'),
    trial_days: z
      .number({ error: 'expected a whole number of days' })
      .int({ error: 'expected a whole number of days' })
      .min(1, { error: 'expected a whole number of days from 1 to 730' })
      .max(730, { error: 'expected a whole number of days from 1 to 730' })
      .optional()
      .describe('Free days before the first charge, from 1 to 730.'),
  })
  .strict()
  .refine((t) => t.monthly !== undefined || t.yearly !== undefined, {
    error: 'expected a monthly or a yearly price (or both)',
  });

export const offerSchema = z
  .object({
    id: id('an offer').describe('Stable id, used in Stripe lookup keys and download links.'),
    name: text('a name').describe('The name fans see, like "Field recordings, vol. 1".'),
    description: z.string().trim().default('').describe('One or two sentences on the offer, shown on its card.'),
    price: price.describe("One-time price in the site's currency."),
    file: contentPath.optional().describe('Optional file a buyer can download, a path under content/ (e.g. files/album.zip).'),
  })
  .strict();

export const payWhatYouWantSchema = z
  .object({
    enabled: z.boolean({ error: 'expected true or false' }).default(true).describe('Turn the pay-what-you-want box on or off.'),
    title: z.string().trim().default('Support what I make').describe('Heading shown above the box.'),
    description: z.string().trim().default('').describe('A sentence under the heading.'),
    minimum: price.default(1).describe('Smallest amount accepted, in the site\'s currency.'),
    suggested: z.array(price, { error: 'expected a list of amounts' }).default([5, 10, 25]).describe('Amounts offered as buttons.'),
  })
  .strict();

export const linkSchema = z
  .object({
    label: text('a label').describe('The link text, like "Bandcamp".'),
    url: url.describe('Where the link goes, a full http(s) URL.'),
  })
  .strict();

export const siteSchema = z
  .object({
    title: text('a title').describe('The site\'s name, shown in the header and in feeds.'),
    description: z.string().trim().default('').describe('One line about the site, for search engines and link previews.'),
    url: url.describe("Where the site lives, like https://mira.example. Used for feeds, the sitemap and Stripe's return links."),
    language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'expected a language tag like "en" or "pt-BR"' }).default('en').describe('The language of the site, like "en".'),
    currency: z
      .string({ error: 'expected a three-letter currency code like "usd"' })
      .regex(/^[A-Za-z]{3}$/, { error: 'expected a three-letter currency code like "usd"' })
      .transform((c) => c.toLowerCase())
      .default('usd')
      .describe('Three-letter currency code for all prices, like "usd" or "eur".'),
    author: z
      .object({
        name: text('a name').describe('The creator\'s name.'),
        bio: z.string().trim().default('').describe('A short paragraph about the creator, shown on the home page.'),
        avatar: contentPath.optional().describe('A portrait, as a path under content/.'),
      })
      .strict()
      .describe('The creator, shown on the home page and in feeds.'),
    links: z.array(linkSchema, { error: 'expected a list of links' }).default([]).describe('Links to the creator elsewhere.'),
    tiers: z
      .array(tierSchema, { error: 'expected a list of tiers' })
      // Stripe's customer portal lets a fan switch between at most 10 products (one per tier).
      .max(10, { error: "expected at most 10 tiers: Stripe's billing portal switches between at most 10; merge some tiers" })
      .default([])
      .describe('Membership tiers, lowest first: a higher tier opens everything below it.'),
    offers: z.array(offerSchema, { error: 'expected a list of offers' }).default([]).describe('One-time purchases: a piece of work for a price, optionally with a file.'),
    pay_what_you_want: payWhatYouWantSchema.optional().describe('A one-time gift of any amount. It thanks the fan but opens no members-only posts.'),
    fan_goal: z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' }).positive({ error: 'expected a positive whole number' }).default(1000).describe('How many true fans the creator is aiming for.'),
    show_fans: z
      .boolean({ error: 'expected true or false' })
      .default(false)
      .describe('Show "312 of 1,000 true fans" with a meter on the home and membership pages, live from Stripe (counted at most every few minutes, never on a page view). Off by default: the count is never public unless this is true.'),
    weekly_digest: z
      .boolean({ error: 'expected true or false' })
      .default(false)
      .describe('Email the creator (CREATOR_EMAIL) a weekly digest: new and lost fans, recurring revenue and the goal, sent by the host\'s scheduler at `weekly_digest_at` (docs/configuration.md#the-weekly-digest). Off by default.'),
    weekly_digest_at: z
      .string({ error: 'expected a weekday and a time in UTC, like "monday 08:00"' })
      .trim()
      .toLowerCase()
      .regex(DIGEST_AT, { error: 'expected a weekday and a time in UTC, like "monday 08:00" or "friday 17:30"' })
      .default(DEFAULT_DIGEST_AT)
      .describe('When the weekly digest goes out: a weekday and a time, in UTC (every scheduler runs on UTC). Default "monday 08:00".'),
    supporter_wall: z
      .boolean({ error: 'expected true or false' })
      .default(false)
      .describe('The supporter wall: Checkout asks members for an optional "Your name on the supporter wall" (at most 40 characters), the account page lets them add, change or remove it, and /supporters/ lists the names by tier. Off by default: no name is asked for or shown.'),
    gifts: z
      .union([
        z.boolean({ error: 'expected true, false, or { months: [...] }' }),
        z
          .object({
            months: z
              .array(z.number({ error: 'expected a whole number of months' }).int({ error: 'expected a whole number of months' }).min(1, { error: 'expected at least 1 month' }).max(24, { error: "expected at most 24 months: Stripe refuses a trial longer than two years" }))
              .max(6, { error: 'expected at most 6 extra durations' })
              .default([]),
          })
          .strict(),
      ])
      .default(false)
      .describe('Gift memberships: `true` adds a "Give a membership" page (1 month or 1 year of any tier, paid once); `{ months: [3, 6] }` also offers those durations. A gift runs from redemption without a card and never charges the recipient. Off by default.'),
    podcast: z
      .object({
        category: z.string({ error: 'expected an Apple Podcasts category, like Music' }).trim().min(1).default('Music').describe('The Apple Podcasts category of the podcast feeds, like Music, Arts or Comedy.'),
        explicit: z.boolean({ error: 'expected true or false' }).default(false).describe('The feeds as a whole have explicit content (each post can say so with `explicit`).'),
      })
      .strict()
      .default({ category: 'Music', explicit: false })
      .describe('The podcast feeds, made when posts have `audio`: the private members feed (each fan\'s own, from the account page) and the public /podcast.xml.'),
    letters: z
      .string({ error: 'expected off, members, followers or a tier id' })
      .trim()
      .min(1, { error: 'expected off, members, followers or a tier id' })
      .default('members')
      .describe('Letters to the creator: a short form at the end of each post and on the account page that emails CREATOR_EMAIL with Reply-To the fan (the fan gets a copy; the creator\'s address is never shown). `members` (default): any paying member; `followers`: members and free followers alike; a tier id: members of that tier or a higher one; `off`: no form.'),
    fan_goal_each: z.number({ error: 'expected a number' }).positive({ error: 'expected a positive number' }).default(70).describe('What each true fan pays a year toward the goal, in `currency`: `npm run fans` shows the yearly goal as `fan_goal` times this.'),
    thank_you: z.string().trim().default('Thank you. Your support means I can keep making this.').describe('A personal note shown and emailed to every new fan. Both sign it with the author\'s name, so leave out a sign-off.'),
    anniversary: z
      .string({ error: 'expected a note, in quotes if it holds a colon' })
      .trim()
      .min(1, { error: 'expected a note; leave the field out to send no anniversary email' })
      .max(2000, { error: 'expected at most 2000 characters: an email, not a letter' })
      .optional()
      .describe("A thank-you emailed to each member on the anniversary of joining (each yearly renewal, and every 12 months for monthly members). Signed with the author's name, so leave out a sign-off. Left out: no anniversary email."),
    tax: z
      .enum(['none', 'automatic'], { error: 'expected "automatic" or "none"' })
      .default('none')
      .describe('Sales tax and VAT. `automatic` turns on Stripe Tax: Checkout collects the fan\'s address and Stripe adds the tax due where the creator is registered (set up Stripe Tax first: docs/going-live.md). `none` (default) charges the prices as written.'),
    tax_prices: z
      .enum(['inclusive', 'exclusive'], { error: 'expected "inclusive" or "exclusive"' })
      .default('inclusive')
      .describe('With `tax: automatic`, whether prices in this file include the tax (`inclusive`, the default: a fan pays what the page shows) or have it added at checkout (`exclusive`, usual in the US).'),
    posts_per_page: z.number().int().min(1).max(100).default(10).describe('Posts per page on the post index.'),
  })
  .strict()
  .superRefine((site, ctx) => {
    const seen = new Map<string, string>();
    const check = (list: { id: string }[], key: 'tiers' | 'offers') =>
      list.forEach((item, i) => {
        const first = seen.get(item.id);
        if (first) {
          ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `the id "${item.id}" is already used by ${first}; ids must be unique` });
        } else {
          seen.set(item.id, `${key}[${i}]`);
        }
      });
    check(site.tiers, 'tiers');
    // A Stripe product or price counts as one tier only, or a fan's tier would depend on the order read.
    const claimed = new Map<string, string>();
    site.tiers.forEach((tier, i) =>
      tier.also.forEach((stripeId, j) => {
        const first = claimed.get(stripeId);
        if (first) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'also', j], message: `"${stripeId}" already counts as ${first}; a Stripe product or price can count as one tier only` });
        else claimed.set(stripeId, `tiers[${i}] (${tier.id})`);
      }),
    );
    check(site.offers, 'offers');
    // Every amount must be one Stripe can charge in the site's currency: no more decimals than it has,
    // and at least its minimum charge (src/core/money.ts holds both rules).
    const amount = (value: number | undefined, path: (string | number)[]) => {
      const problem = value === undefined ? undefined : priceProblem(value, site.currency);
      if (problem) ctx.addIssue({ code: 'custom', path, message: problem });
    };
    site.tiers.forEach((tier, i) => {
      amount(tier.monthly, ['tiers', i, 'monthly']);
      amount(tier.yearly, ['tiers', i, 'yearly']);
    });
    site.offers.forEach((offer, i) => amount(offer.price, ['offers', i, 'price']));
    if (!LETTER_KEYWORDS.includes(site.letters as never) && !site.tiers.some((t) => t.id === site.letters)) {
      ctx.addIssue({ code: 'custom', path: ['letters'], message: `expected one of ${[...LETTER_KEYWORDS, ...site.tiers.map((t) => t.id)].join(', ')}, got "${site.letters}"` });
    }
    if (site.pay_what_you_want) {
      amount(site.pay_what_you_want.minimum, ['pay_what_you_want', 'minimum']);
      site.pay_what_you_want.suggested.forEach((value, i) => amount(value, ['pay_what_you_want', 'suggested', i]));
    }
  });

/** The resolved site configuration, defaults filled in. */
export type SiteConfig = z.infer<typeof siteSchema>;
export type Tier = z.infer<typeof tierSchema>;
export type Offer = z.infer<typeof offerSchema>;
