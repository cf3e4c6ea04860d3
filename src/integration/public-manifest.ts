// The sealing pass's last step: the public manifest the function boots from (site settings, tiers and
// offers in minor units, gated pages, sealed assets), written to the output and returned to the caller.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../core/manifest.ts';
import { toMinorUnits } from '../core/money.ts';
import { MANIFEST_PATH } from '../core/paths.ts';
import { giftMonths } from '../core/gifts/rules.ts';
import { urlPathOf } from './output-files.ts';
import type { SealContext } from './seal-context.ts';

/** The terms page a creator writes as content/pages/terms.md; Stripe Checkout links it when it exists. */
const TERMS_PAGE = 'terms/index.html';

export function writeManifest(ctx: SealContext, sealed: Pick<Manifest, 'pages' | 'assets' | 'offers'>): Manifest {
  const { site, keyring, fileSet } = ctx;
  const manifest: Manifest = {
    version: 1,
    kid: keyring.kid,
    builtAt: new Date().toISOString(),
    site: {
      title: site.title,
      url: site.url,
      author: site.author.name,
      language: site.language,
      currency: site.currency,
      tax: site.tax,
      taxPrices: site.tax_prices,
      thankYou: site.thank_you,
      ...(site.anniversary ? { anniversary: site.anniversary } : {}),
      fanGoal: site.fan_goal,
      ...(site.show_fans ? { showFans: true } : {}),
      ...(site.weekly_digest ? { weeklyDigest: true, fanGoalEach: site.fan_goal_each, digestAt: site.weekly_digest_at } : {}),
      ...(site.supporter_wall ? { supporterWall: true } : {}),
      ...(site.gifts ? { gifts: giftMonths(site.gifts) } : {}),
      ...(site.letters !== 'off' ? { letters: site.letters } : {}),
      ...(fileSet.has(TERMS_PAGE) ? { terms: urlPathOf(TERMS_PAGE) } : {}),
    },
    tiers: site.tiers.map((t) => ({
      id: t.id,
      name: t.name,
      ...(t.monthly !== undefined ? { monthly: toMinorUnits(t.monthly, site.currency) } : {}),
      ...(t.yearly !== undefined ? { yearly: toMinorUnits(t.yearly, site.currency) } : {}),
      ...(t.trial_days !== undefined ? { trialDays: t.trial_days } : {}),
      // Stripe ids, not secrets: Checkout shows price ids to anyone who starts it.
      ...(t.also.length ? { also: t.also } : {}),
    })),
    offers: sealed.offers,
    payWhatYouWant:
      site.pay_what_you_want?.enabled === true
        ? {
            minimum: toMinorUnits(site.pay_what_you_want.minimum, site.currency),
            suggested: site.pay_what_you_want.suggested.map((a) => toMinorUnits(a, site.currency)),
          }
        : null,
    pages: Object.fromEntries(Object.entries(sealed.pages).sort(([a], [b]) => a.localeCompare(b))),
    assets: sealed.assets,
  };
  writeFileSync(join(ctx.dir, MANIFEST_PATH), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
