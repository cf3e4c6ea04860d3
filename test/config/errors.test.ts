// The exact wording a creator sees for malformed content. Each message names the file, the field,
// what was expected and what was found.

import { describe, expect, it } from 'vitest';
import { ContentError, parsePage, parsePost, parseSite } from '../../src/config/parse.ts';

const SITE = `title: Mira Okafor
url: https://mira.example
author:
  name: Mira Okafor
tiers:
  - id: listener
    name: Listener
    monthly: 5
  - id: patron
    name: Patron
    yearly: 200
`;
const TIERS = ['listener', 'patron'];

function siteError(yaml: string): string {
  try {
    parseSite(yaml);
  } catch (error) {
    if (error instanceof ContentError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected an error');
}

function postError(frontmatter: string, file = 'content/posts/hello.md'): string {
  try {
    parsePost(`---\n${frontmatter}\n---\nBody.\n`, file, TIERS, (p) => p === 'cover.jpg');
  } catch (error) {
    if (error instanceof ContentError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected an error');
}

describe('content/site.yaml errors', () => {
  it('a price that is not a number', () => {
    expect(siteError(SITE.replace('monthly: 5', 'monthly: five'))).toMatchInlineSnapshot(`"content/site.yaml: tiers[0].monthly: expected a positive number, got "five""`);
  });
  it('a negative price', () => {
    expect(siteError(SITE.replace('yearly: 200', 'yearly: -200'))).toMatchInlineSnapshot(`"content/site.yaml: tiers[1].yearly: expected a positive number, got -200"`);
  });
  it('a price with fractions of a cent', () => {
    expect(siteError(SITE.replace('monthly: 5', 'monthly: 4.999'))).toMatchInlineSnapshot(`"content/site.yaml: tiers[0].monthly: expected at most two decimal places, got 4.999"`);
  });
  it('a duplicate tier id', () => {
    expect(siteError(SITE.replace('id: patron', 'id: listener'))).toMatchInlineSnapshot(`"content/site.yaml: tiers[1].id: the id "listener" is already used by tiers[0]; ids must be unique"`);
  });
  it('a tier without any price', () => {
    expect(siteError(SITE.replace('    yearly: 200\n', ''))).toMatchInlineSnapshot(`"content/site.yaml: tiers[1]: expected a monthly or a yearly price (or both)"`);
  });
  it('a reserved tier id', () => {
    expect(siteError(SITE.replace('id: patron', 'id: members'))).toMatchInlineSnapshot(`"content/site.yaml: tiers[1].id: expected a tier id other than "public" or "members", which every site already has, got "members""`);
  });
  it('a tier id with capitals and spaces', () => {
    expect(siteError(SITE.replace('id: patron', 'id: Big Patron'))).toMatchInlineSnapshot(`"content/site.yaml: tiers[1].id: expected a tier id of lowercase letters, digits and dashes (like "supporter"), got "Big Patron""`);
  });
  it('a letters value that is neither a keyword nor a tier', () => {
    expect(siteError(`${SITE}letters: memebers\n`)).toMatchInlineSnapshot(`"content/site.yaml: letters: expected one of off, members, followers, listener, patron, got "memebers""`);
    expect(parseSite(SITE).letters).toBe('members');
    expect(parseSite(`${SITE}letters: patron\n`).letters).toBe('patron');
  });
  it('broken YAML', () => {
    expect(siteError(SITE.replace('  name: Mira Okafor', '  name: "Mira Okafor'))).toMatchInlineSnapshot(`"content/site.yaml:12:1: the YAML could not be read: Missing closing "quote. Check the indentation and quotes on that line."`);
  });
  it('a misspelled field', () => {
    expect(siteError(SITE.replace('    monthly: 5', '    montly: 5'))).toMatchInlineSnapshot(`
      "content/site.yaml: tiers[0].montly: unknown field; did you mean "monthly"?
      content/site.yaml: tiers[0]: expected a monthly or a yearly price (or both)"
    `);
  });
  it('a missing title and a bad URL, reported together', () => {
    expect(siteError(SITE.replace('title: Mira Okafor\n', '').replace('https://mira.example', 'mira.example'))).toMatchInlineSnapshot(`
      "content/site.yaml: title: expected a title, but it is missing
      content/site.yaml: url: expected a full http(s) URL, like https://example.com, got "mira.example""
    `);
  });
  it('a trial that is too long', () => {
    expect(siteError(SITE.replace('    monthly: 5', '    monthly: 5\n    trial_days: 1000'))).toMatchInlineSnapshot(`"content/site.yaml: tiers[0].trial_days: expected a whole number of days from 1 to 730, got 1000"`);
  });
  it('a currency that is not a code', () => {
    expect(siteError(`${SITE}currency: dollars\n`)).toMatchInlineSnapshot(`"content/site.yaml: currency: expected a three-letter currency code like "usd", got "dollars""`);
  });
  it('a tier price below Stripe\'s minimum charge for the currency', () => {
    expect(siteError(SITE.replace('monthly: 5', 'monthly: 0.3'))).toMatchInlineSnapshot(`"content/site.yaml: tiers[0].monthly: expected at least $0.50, Stripe's minimum charge in USD; raise it to 0.50 or more, got 0.3"`);
  });
  it('more tiers than the billing portal can switch between', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `  - id: t${i}\n    name: T${i}\n    monthly: 5\n`).join('');
    expect(siteError(SITE.replace(/tiers:[\s\S]*$/, `tiers:\n${eleven}`))).toMatchInlineSnapshot(`"content/site.yaml: tiers: expected at most 10 tiers: Stripe's billing portal switches between at most 10; merge some tiers"`);
  });
  it('a yen price with decimals', () => {
    expect(siteError(SITE.replace('url:', 'currency: jpy\nurl:').replace('monthly: 5', 'monthly: 500.5'))).toMatchInlineSnapshot(`"content/site.yaml: tiers[0].monthly: expected a whole amount: Stripe charges JPY without decimals, so 500.5 would be charged as 501; write 500 or 501, got 500.5"`);
  });
  it('a yen price below ¥50, a forint offer below 175 Ft', () => {
    expect(siteError(SITE.replace('url:', 'currency: jpy\nurl:').replace('monthly: 5', 'monthly: 30'))).toMatchInlineSnapshot(`"content/site.yaml: tiers[0].monthly: expected at least ¥50, Stripe's minimum charge in JPY; raise it to 50 or more, got 30"`);
    expect(siteError(`${SITE.replace('url:', 'currency: huf\nurl:').replace('monthly: 5', 'monthly: 500')}offers:\n  - id: songbook\n    name: Songbook\n    price: 100\n`)).toMatchInlineSnapshot(`"content/site.yaml: offers[0].price: expected at least HUF 175, Stripe's minimum charge in HUF; raise it to 175 or more, got 100"`);
  });
  it('a pay-what-you-want minimum below the minimum charge, and a three-decimal currency price with three decimals', () => {
    expect(siteError(`${SITE}pay_what_you_want:\n  minimum: 0.25\n  suggested: [5, 3.333]\n`)).toMatchInlineSnapshot(`
      "content/site.yaml: pay_what_you_want.suggested[1]: expected at most two decimal places, got 3.333
      content/site.yaml: pay_what_you_want.minimum: expected at least $0.50, Stripe's minimum charge in USD; raise it to 0.50 or more, got 0.25"
    `);
    expect(siteError(SITE.replace('url:', 'currency: kwd\nurl:').replace('monthly: 5', 'monthly: 5.125'))).toMatchInlineSnapshot(`"content/site.yaml: tiers[0].monthly: expected at most two decimal places, got 5.125"`);
  });
  it('an offer file outside content/', () => {
    expect(siteError(`${SITE}offers:\n  - id: album\n    name: Album\n    price: 10\n    file: ../secret.zip\n`)).toMatchInlineSnapshot(`"content/site.yaml: offers[0].file: expected a path inside content/, without a leading / or .., got "../secret.zip""`);
  });
});

describe('post frontmatter errors', () => {
  it('an access typo lists the valid values', () => {
    expect(postError('title: Hi\ndate: 2026-11-01\naccess: memebers')).toMatchInlineSnapshot(`"content/posts/hello.md: access: expected one of public, members, listener, patron, got "memebers""`);
  });
  it('an unknown tier', () => {
    expect(postError('title: Hi\ndate: 2026-11-01\naccess: gold')).toMatchInlineSnapshot(`"content/posts/hello.md: access: expected one of public, members, listener, patron, got "gold""`);
  });
  it('a bad date', () => {
    expect(postError('title: Hi\ndate: yesterday')).toMatchInlineSnapshot(`"content/posts/hello.md: date: expected a date like 2026-11-22, got "yesterday""`);
  });
  it('an impossible date', () => {
    expect(postError('title: Hi\ndate: 2026-02-31')).toMatchInlineSnapshot(`"content/posts/hello.md: date: expected a date like 2026-11-22, got "2026-02-31""`);
  });
  it('a missing title', () => {
    expect(postError('date: 2026-11-01')).toMatchInlineSnapshot(`"content/posts/hello.md: title: expected a title, but it is missing"`);
  });
  it('tags that are not a list', () => {
    expect(postError('title: Hi\ndate: 2026-11-01\ntags: 5')).toMatchInlineSnapshot(`"content/posts/hello.md: tags: expected a list of tags, like [tour, recording], got 5"`);
  });
  it('draft that is not true or false', () => {
    expect(postError('title: Hi\ndate: 2026-11-01\ndraft: maybe')).toMatchInlineSnapshot(`"content/posts/hello.md: draft: expected true or false, got "maybe""`);
  });
  it('a cover image that does not exist', () => {
    expect(postError('title: Hi\ndate: 2026-11-01\ncover: missing.jpg')).toMatchInlineSnapshot(`"content/posts/hello.md: cover: expected an image file that exists beside the post, got "missing.jpg""`);
  });
  it('no frontmatter at all', () => {
    expect(() => parsePost('Just text.', 'content/posts/bare.md', TIERS)).toThrowErrorMatchingInlineSnapshot(`
      [ContentError: There is a problem in content/:
        - content/posts/bare.md: no frontmatter; start the file with a --- block that has at least a title and a date]
    `);
  });
});

describe('page frontmatter errors', () => {
  const pageError = (frontmatter: string) => {
    try {
      parsePage(`---\n${frontmatter}\n---\nText.\n`, 'content/pages/about.md');
    } catch (error) {
      if (error instanceof ContentError) return error.problems.join('\n');
      throw error;
    }
    throw new Error('expected an error');
  };
  it('a nav that is neither true, false nor a label, and a misspelled field', () => {
    expect(pageError('title: About\nnav: 3\ndescriptoin: hi')).toMatchInlineSnapshot(`
      "content/pages/about.md: nav: expected true, false or a short label, got 3
      content/pages/about.md: descriptoin: unknown field; did you mean "description"?"
    `);
  });
});

it('a valid post and site parse with defaults filled in', () => {
  const site = parseSite(SITE);
  expect(site).toMatchObject({ currency: 'usd', fan_goal: 1000, language: 'en', offers: [], links: [] });
  const post = parsePost('---\ntitle: Hi\ndate: 2026-11-01\naccess: patron\n---\n', 'x.md', TIERS);
  expect(post).toMatchObject({ title: 'Hi', access: 'patron', draft: false, tags: [], description: '' });
  expect(post.date.toISOString()).toBe('2026-11-01T00:00:00.000Z');
});
