// `npm start`'s "Things to try" name the site's own tiers, prices and offers, read from site.yaml.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseSite } from '../../src/config/parse.ts';
import { thingsToTry } from '../../src/local/tips.ts';
import { ROOT } from '../helpers/build-site.ts';

it('names the example site tiers, prices, trial and offer', () => {
  const site = parseSite(readFileSync(join(ROOT, 'content/site.yaml'), 'utf8'));
  expect(thingsToTry(site, 'http://localhost:4321/_outbox/', 'http://localhost:12111')).toMatchInlineSnapshot(`
    [
      "- Open a locked post: you see the teaser and the tiers that open it.",
      "- Join a tier: Listener ($5 a month or $50 a year), True Fan ($7 a month or $70 a year, after a 7-day free trial), Patron ($20 a month or $200 a year).",
      "  Pay with 4242 4242 4242 4242, any future expiry, any CVC; the card 4000 0000 0000 0002 is declined.",
      "- Buy The Barn Songbook ($12) on /membership/: the download is on the thank-you page and on your account page.",
      "- Send a pay-what-you-want gift (at least $3).",
      "- Sign out, then sign in with your email: the link arrives in the outbox, http://localhost:4321/_outbox/",
      "- "Your membership" opens the billing portal: switch tier or cancel.",
      "- Follow for free from the end of a public post and confirm from the outbox; then, in another terminal,",
      "  email every post to the followers and members: npm run send -- --new --demo --yes",
      "  and read each one's email, as their tier may read it, in the outbox.",
      "- Move time forward (renewals, trial ends, cancellations) on http://localhost:12111/",
    ]
  `);
});

it('names the state folder in the send command when npm start was given another', () => {
  const site = parseSite(readFileSync(join(ROOT, 'content/site.yaml'), 'utf8'));
  expect(thingsToTry(site, 'http://x/_outbox/', 'http://x:12111', '/tmp/demo')).toContain('  email every post to the followers and members: npm run send -- --new --demo --state /tmp/demo --yes');
  expect(thingsToTry(site, 'http://x/_outbox/', 'http://x:12111', '.truefans/')).toContain('  email every post to the followers and members: npm run send -- --new --demo --yes');
});

it('follows another site: its currency, a single monthly tier, no offers', () => {
  const site = parseSite('title: Ana\nurl: https://ana.example\ncurrency: eur\nlanguage: de\nauthor: { name: Ana }\ntiers:\n  - { id: freund, name: Freund, monthly: 4.5 }\n');
  expect(thingsToTry(site, 'http://localhost:4321/_outbox/', undefined)).toMatchInlineSnapshot(`
    [
      "- Open a locked post: you see the teaser and the tiers that open it.",
      "- Join a tier: Freund (4,50 € a month).",
      "  Pay with 4242 4242 4242 4242, any future expiry, any CVC; the card 4000 0000 0000 0002 is declined.",
      "- Sign out, then sign in with your email: the link arrives in the outbox, http://localhost:4321/_outbox/",
      "- "Your membership" opens the billing portal: cancel.",
    ]
  `);
  const none = parseSite('title: Ana\nurl: https://ana.example\nauthor: { name: Ana }\n');
  expect(thingsToTry(none, 'http://x/_outbox/', undefined)[0]).toMatchInlineSnapshot(`"- content/site.yaml has no tiers yet: add one under \`tiers:\` to try joining."`);
});
