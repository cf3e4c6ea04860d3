// A real `astro build` of the example site in content/, and what a visitor (or a feed reader, or a
// crawler) gets from it. The assertions hold on the final pages, after the sealing pass: they never
// expect members-only text to be present, only absent where it must be.

import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../e2e/browser.ts';
import { buildSite, ROOT } from '../helpers/build-site.ts';
import { MEMBER_HINT_SCRIPT } from '../../src/lib/member-hint-script.ts';
import { isSignInTemplate, renderSignInPage } from '../../src/core/pages/signin-page.ts';

const content = join(ROOT, 'content');
let out: string;
let log: string;

beforeAll(async () => {
  const result = await buildSite({ content: 'content' });
  out = result.outDir;
  log = result.output;
  if (result.code !== 0) throw new Error(`astro build failed (${result.code}):\n${result.output}`);
}, 180_000);

afterAll(() => {
  if (out) rmSync(dirname(out), { recursive: true, force: true });
});

const read = (path: string) => readFileSync(join(out, path), 'utf8');

function files(dir = out): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}
const htmlFiles = () => files().filter((f) => f.endsWith('.html'));

/** Text as a reader sees it: tags gone, entities decoded, whitespace collapsed. */
function text(html: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) =>
      e[0] === '#' ? String.fromCodePoint(parseInt(e.slice(1).replace(/^x/i, ''), /^#x/i.test(e) ? 16 : 10)) : (named[e] ?? m),
    )
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, ' ');
}

/** The element that starts at `open` (e.g. `<truefans-locked`) and its matching close tag, for flat elements. */
function elements(html: string, tag: string): string[] {
  const found: string[] = [];
  const re = new RegExp(`<${tag}[\\s>][\\s\\S]*?</${tag}>`, 'g');
  for (const m of html.matchAll(re)) found.push(m[0]);
  return found;
}

/** Frontmatter and body of a content file. */
function source(path: string): { data: string; body: string } {
  const raw = readFileSync(join(content, path), 'utf8');
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(raw)!;
  return { data: m[1]!, body: m[2]! };
}

/**
 * Sentences from the members-only parts of the example posts, as plain text: a whole gated body, the
 * tail after a divider, the inside of MDX MembersOnly blocks. Prose lines only (no headings, code,
 * tables or images), long enough to be unique.
 */
function gatedPhrases(): string[] {
  const parts: string[] = [];
  for (const name of readdirSync(join(content, 'posts')).filter((f) => /\.mdx?$/.test(f))) {
    const { data, body } = source(`posts/${name}`);
    if (/^draft: true$/m.test(data)) continue;
    if (name.endsWith('.mdx')) parts.push(...[...body.matchAll(/<MembersOnly[^>]*>([\s\S]*?)<\/MembersOnly>/g)].map((m) => m[1]!));
    else if (/^<!-- members -->$/m.test(body)) parts.push(body.split(/^<!-- members -->$/m)[1]!);
    else if (/^access: (?!public)/m.test(data)) parts.push(body);
  }
  const phrases = parts
    .join('\n')
    .replace(/```[\s\S]*?```/g, '')
    .split('\n')
    .filter((line) => line.length >= 40 && !/^\s*([#|!<>`-]|\d+\.)/.test(line))
    .map((line) => line.replace(/[*_]/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim().slice(0, 40));
  return phrases;
}

const postPage = (id: string) => read(`posts/${id}/index.html`);
const checkoutForms = (html: string) => [...html.matchAll(/<form[^>]*action="\/_truefans\/checkout"[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]);

describe('the example site build', () => {
  it('builds without warnings (none pointing at the MDX post for Astro\'s own "use astro:head-inject" directive)', () => {
    expect(log).not.toContain('MODULE_LEVEL_DIRECTIVE');
    expect(log).not.toMatch(/\[WARN\]/);
  });

  it('builds every page', () => {
    for (const path of [
      'index.html',
      'posts/index.html',
      'posts/2/index.html',
      'posts/welcome-to-the-barn/index.html',
      'posts/salt-and-lantern-demo/index.html',
      'posts/autumn-letter-to-patrons/index.html',
      'posts/how-hollow-road-got-written/index.html',
      'posts/recording-the-fiddle-tracks/index.html',
      'tags/index.html',
      'tags/tour/index.html',
      'about/index.html',
      'shows/index.html',
      'membership/index.html',
      'signin/index.html',
      '404.html',
      'rss.xml',
      'sitemap-index.xml',
      'truefans-shell/index.html',
    ]) {
      expect(existsSync(join(out, path)), path).toBe(true);
    }
  });

  it('ships no client JavaScript but the member hint: one inline script per page, exactly that constant, and no .js file', () => {
    // Issue 17: /search/ is the one page that loads script (Pagefind's UI, and search.js to start it), and
    // Pagefind's files live under pagefind/; every other page and file is held to the rule as before.
    const isSearch = (f: string) => f === 'search/index.html' || f === 'search.js' || f.startsWith('pagefind/');
    const pages = htmlFiles();
    expect(pages.length).toBeGreaterThan(20);
    for (const file of pages) {
      if (isSearch(relative(out, file))) continue;
      const scripts = [...read(relative(out, file)).matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];
      if (scripts.length === 0) continue; // a page outside the layout (e.g. a redirect)
      expect(scripts.map((m) => m[1]), relative(out, file)).toEqual([MEMBER_HINT_SCRIPT]);
      expect(scripts[0]![0], relative(out, file)).not.toMatch(/\ssrc=/i);
    }
    expect(MEMBER_HINT_SCRIPT.length).toBeLessThan(600);
    expect(files().filter((f) => /\.m?js$/.test(f)).map((f) => relative(out, f)).filter((f) => !isSearch(f))).toEqual([]);
    const search = [...read('search/index.html').matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(search.map((m) => m[2] || /src="([^"]+)"/.exec(m[1]!)?.[1])).toEqual([MEMBER_HINT_SCRIPT, '/pagefind/pagefind-ui.js', '/search.js']);
  });

  it('gives every image alt text', () => {
    let count = 0;
    for (const file of htmlFiles()) {
      for (const img of read(relative(out, file)).match(/<img\b[^>]*>/g) ?? []) {
        count++;
        // `alt` alone is alt="" (a decorative thumbnail beside its own title link).
        expect(img, relative(out, file)).toMatch(/\salt(="[^"]*")?[\s>]/);
      }
    }
    expect(count).toBeGreaterThan(5);
    expect(postPage('welcome-to-the-barn')).toMatch(/<img[^>]*alt="A red barn with one lit window/);
    expect(read('index.html')).toMatch(/<img[^>]*alt="Portrait of Maren Holt"/);
  });

  it('leaves drafts out of production', () => {
    expect(existsSync(join(out, 'posts/new-record-title'))).toBe(false);
    for (const file of files().filter((f) => /\.(html|xml)$/.test(f))) {
      expect(read(relative(out, file)), relative(out, file)).not.toContain('The new record has a name');
    }
  });

  it('paginates the post index newest first, with a lock and tier label on gated posts', () => {
    const first = read('posts/index.html');
    const second = read('posts/2/index.html');
    expect(first.match(/<li class="post-card/g)).toHaveLength(5);
    // Ten posts since the members-only "Kitchen table demo" recording (issue 16) joined the example.
    expect(second.match(/<li class="post-card/g)).toHaveLength(5);
    expect(first).toContain('href="/posts/2/" rel="next"');
    expect(second).toContain('href="/posts/" rel="prev"');
    const dates = [...(first + second).matchAll(/<time datetime="([\d-]+)"/g)].map((m) => m[1]!);
    expect(dates).toEqual([...dates].sort().reverse());
    const card = /<li class="post-card[^"]*"><article>[\s\S]*?<\/article><\/li>/g;
    const letter = [...(first + second).matchAll(card)].map((m) => m[0]).find((c) => c.includes('An autumn letter to Patrons'))!;
    expect(letter).toContain('class="lock-icon"');
    expect(text(letter)).toContain('Patron tier');
    const welcome = [...(first + second).matchAll(card)].map((m) => m[0]).find((c) => c.includes('Welcome to the barn'))!;
    expect(welcome).not.toContain('lock-icon');
  });

  it('paginates tag pages', () => {
    const tour = read('tags/tour/index.html');
    expect(text(tour)).toContain('Posts tagged "tour"');
    expect(tour).toContain('href="/posts/northern-loop-tour-diary/"');
    expect(tour).toContain('href="/posts/winter-shows-announced/"');
  });

  it('marks up a fully gated post: teaser, one body, a gate, and a paywall that posts to checkout', () => {
    const html = postPage('salt-and-lantern-demo');
    expect(html).toContain('<article class="post" data-truefans-post="salt-and-lantern-demo" data-truefans-access="members">');
    expect(html.match(/<truefans-body>/g)).toHaveLength(1);
    expect(html).toMatch(/<truefans-gate[^>]*data-tier="members"/);
    // The description is the teaser.
    expect(text(html)).toContain('The first draft of the lyrics, word for word, the three lines I threw out');

    const [paywall, ...more] = elements(html, 'truefans-locked');
    expect(more).toEqual([]);
    expect(paywall).toMatch(/^<truefans-locked data-tier="members" data-paywall="post">/);
    expect(paywall).toContain('id="join"');
    expect(text(paywall!)).toContain('Already a member? Sign in');
    expect(paywall).toContain('action="/_truefans/signin"');
    const forms = checkoutForms(paywall!);
    expect(forms.map((f) => /name="tier" value="([^"]+)"/.exec(f)![1])).toEqual(['listener', 'true-fan', 'patron']);
    for (const form of forms) {
      expect(form).toMatch(/^<form[^>]*method="post"/);
      expect(form).toContain('name="return_to" value="/posts/salt-and-lantern-demo/"');
    }
    const trueFan = forms[1]!;
    expect(trueFan).toMatch(/<button[^>]*name="interval" value="month"[^>]*>Join for \$7 a month<\/button>/);
    expect(trueFan).toMatch(/<button[^>]*name="interval" value="year"[^>]*>Join for \$70 a year<\/button>/);
    // The paywall comes after the body, never inside it.
    expect(html.indexOf('<truefans-locked')).toBeGreaterThan(html.indexOf('</truefans-body>'));
  });

  it('offers only the tiers that open a tier-gated post', () => {
    const html = postPage('autumn-letter-to-patrons');
    expect(html).toContain('data-truefans-access="patron"');
    const [paywall] = elements(html, 'truefans-locked');
    expect(paywall).toMatch(/^<truefans-locked data-tier="patron" data-paywall="post">/);
    expect(checkoutForms(paywall!).map((f) => /name="tier" value="([^"]+)"/.exec(f)![1])).toEqual(['patron']);
  });

  it('gates the MDX blocks, with a note after each and a paywall for the highest tier', () => {
    const html = postPage('recording-the-fiddle-tracks');
    expect(html).toContain('data-truefans-access="public"');
    const gates = html.match(/<truefans-gate\b[^>]*>/g) ?? [];
    expect(gates).toHaveLength(2);
    expect(gates[1]).toContain('data-tier="patron"');
    const locked = elements(html, 'truefans-locked');
    expect(locked).toHaveLength(3);
    expect(text(locked[0]!)).toContain('This part is for members — join to read it');
    expect(locked[0]).toContain('href="#join"');
    expect(locked[1]).toMatch(/^<truefans-locked data-tier="patron">/);
    expect(text(locked[1]!)).toContain('This part is for Patron members');
    expect(locked[2]).toMatch(/^<truefans-locked data-tier="patron" data-paywall="part">/);
    expect(locked[2]).toContain('id="join"');
    // The public part is on the page for everyone.
    expect(text(html)).toContain('A barn is a terrible place to record and a wonderful place to play.');
  });

  it('shows the public part of a divider post and a paywall after it', () => {
    const html = postPage('how-hollow-road-got-written');
    expect(text(html)).toContain('It started with a wrong turn.');
    expect(elements(html, 'truefans-locked')[0]).toContain('id="join"');
  });

  it('shows no paywall on a public post', () => {
    const html = postPage('welcome-to-the-barn');
    expect(html).not.toContain('<truefans-locked');
    expect(html).not.toContain('<truefans-gate');
    expect(text(html)).toContain('cleaned the pigeon feathers out of a dairy barn');
  });

  it('ends a public post with a prompt to join from the cheapest tier, marked for the member hint to hide; not a gated post, not the feed', () => {
    const prompt = (html: string) => /<div class="join-prompt"[^>]*>[\s\S]*?<\/div>/.exec(html)?.[0];
    for (const id of ['welcome-to-the-barn', 'open-tunings-field-guide']) {
      const html = postPage(id);
      const box = prompt(html)!;
      expect(box, id).toBeDefined();
      expect(box).toContain('data-nonmember-only');
      expect(text(box).trim()).toBe('Get the members-only posts: join from $5 a month .'); // text() puts a space for the closing </a>
      expect(box).toMatch(/<a href="\/membership\/">join from \$5 a month<\/a>/);
      // After the post's body, before its footer.
      expect(html.indexOf(box)).toBeGreaterThan(html.indexOf('</truefans-body>'));
      expect(html.indexOf(box)).toBeLessThan(html.indexOf('class="post__footer'));
    }
    // Members-only and divider posts have the paywall instead; MDX posts with member blocks too.
    for (const id of ['salt-and-lantern-demo', 'autumn-letter-to-patrons', 'how-hollow-road-got-written', 'recording-the-fiddle-tracks']) {
      expect(postPage(id), id).not.toContain('join-prompt');
    }
    expect(read('rss.xml')).not.toContain('Get the members-only posts');
  });

  it('ends every post with a letter form to the creator (letters: members, the default), for members, posting the post\'s path to the function', () => {
    for (const id of ['welcome-to-the-barn', 'salt-and-lantern-demo', 'autumn-letter-to-patrons']) {
      const html = postPage(id);
      const box = /<section class="letter[^"]*"[^>]*>[\s\S]*?<\/section>/.exec(html)?.[0];
      expect(box, id).toBeDefined();
      expect(box).toContain('data-member-only');
      expect(box).toMatch(/<form method="post" action="\/_truefans\/letter"/);
      expect(box).toContain(`<input type="hidden" name="about" value="/posts/${id}/"`);
      expect(text(box!)).toContain('Write to Maren Holt');
      // After the body and the paywall, before the footer; never in the feed.
      expect(html.indexOf(box!)).toBeGreaterThan(html.indexOf('</truefans-body>'));
      expect(html.indexOf(box!)).toBeLessThan(html.indexOf('class="post__footer'));
    }
    expect(read('rss.xml')).not.toContain('Write to Maren Holt');
  });

  it('never shows a gated body on the home page, post index, tag pages or in RSS', () => {
    const phrases = gatedPhrases();
    expect(phrases.length).toBeGreaterThan(15);
    const listings = ['index.html', 'posts/index.html', 'posts/2/index.html', 'rss.xml', ...files().filter((f) => f.includes('/tags/')).map((f) => relative(out, f))];
    for (const path of listings) {
      const shown = text(path.endsWith('.xml') ? text(read(path)) : read(path));
      for (const phrase of phrases) expect(shown, `${path} shows "${phrase}"`).not.toContain(phrase);
    }
  });

  it('publishes public posts in full in RSS, and gated posts as their description', () => {
    const rss = read('rss.xml');
    const items = [...rss.matchAll(/<item>[\s\S]*?<\/item>/g)].map((m) => m[0]);
    expect(items).toHaveLength(10);
    const item = (title: string) => items.find((i) => i.includes(`<title>${title}</title>`))!;
    // The members-only recording's post is a teaser here too: neither its file nor the sealed route.
    expect(item('Kitchen table demo: Salt and Lantern, first take')).not.toContain('<content:encoded>');
    expect(rss).not.toMatch(/kitchen-table-demo\.wav/);
    expect(text(text(item('Welcome to the barn')))).toContain('cleaned the pigeon feathers out of a dairy barn');
    expect(item('An autumn letter to Patrons')).not.toContain('<content:encoded>');
    expect(item('An autumn letter to Patrons')).toContain('<description>The seasonal letter for Patrons');
    const divider = text(text(item('How “Hollow Road” got written')));
    expect(divider).toContain('It started with a wrong turn.');
    expect(divider).toContain('The rest of this post is for members.');
    expect(divider).not.toContain('The voice memos');
    expect(rss).toContain('<link>https://marenholt.example/posts/welcome-to-the-barn/</link>');
  });

  it('lists memberships, offers and pay-what-you-want on /membership/', () => {
    const html = read('membership/index.html');
    const forms = checkoutForms(html);
    const trueFan = forms.find((f) => f.includes('name="tier" value="true-fan"'))!;
    expect(trueFan).toContain('>Join for $70 a year</button>');
    expect(text(html)).toContain('Starts with a 7-day free trial');
    expect(forms.find((f) => f.includes('name="offer" value="barn-songbook"'))).toContain('Buy for $12');
    expect(forms.some((f) => /<button[^>]*name="amount" value="10"/.test(f))).toBe(true);
    const custom = forms.find((f) => /<input[^>]*name="amount" type="number"/.test(f))!;
    expect(custom).toMatch(/min="3"/);
    expect(custom).toMatch(/step="0.01"/);
    expect(custom).toMatch(/<label for="pwyw-amount">/);
    for (const form of forms) expect(form).toContain('name="return_to" value="/membership/"');
  });

  it('shows the live fan meter (show_fans: true) on the home and membership pages as an image of the function, and nowhere else', () => {
    const meter = /<img src="\/_truefans\/fans\.svg" width="320" height="48" alt="How many true fans Maren Holt has toward the goal of 1,000, counted live"/;
    expect(read('index.html')).toMatch(meter);
    expect(read('membership/index.html')).toMatch(meter);
    expect(read('posts/index.html')).not.toContain('/_truefans/fans.svg');
  });

  it('links the privacy, terms and refund pages from the footer of every page, not from the header', () => {
    for (const slug of ['privacy', 'terms', 'refunds']) expect(read(`${slug}/index.html`)).toContain('<h1');
    // Stripe Checkout links the terms page (custom_text), so the manifest names it.
    expect(JSON.parse(read('_truefans/manifest.json')).site.terms).toBe('/terms/');
    for (const path of ['index.html', 'posts/salt-and-lantern-demo/index.html', 'membership/index.html']) {
      const html = read(path);
      const footer = html.slice(html.indexOf('<footer class="site-footer"'));
      const header = html.slice(html.indexOf('<header class="site-header"'), html.indexOf('</header>'));
      for (const [slug, title] of [['privacy', 'Privacy'], ['terms', 'Terms'], ['refunds', 'Refunds']]) {
        expect(footer, path).toContain(`<a href="/${slug}/">${title}</a>`);
        expect(header, path).not.toContain(`/${slug}/`);
      }
    }
  });

  it('has a sign-in form with a labelled email field', () => {
    const html = read('signin/index.html');
    expect(html).toMatch(/<form[^>]*method="post" action="\/_truefans\/signin"/);
    expect(html).toMatch(/<label for="signin-email">/);
    expect(html).toMatch(/<input id="signin-email" name="email" type="email"/);
    // The edge function answers with this very page (one sign-in page): it needs its note slot and one return path.
    expect(isSignInTemplate(html)).toBe(true);
    expect(renderSignInPage(html, '/posts/x/', 'Sign in to see your membership.')).toContain('<input type="hidden" name="return_to" value="/posts/x/">');
    expect(text(html)).toContain('email you a sign-in link');
  });

  it('builds the edge function shell with placeholders', () => {
    const html = read('truefans-shell/index.html');
    expect(html).toContain('<title>%TRUEFANS_TITLE%</title>');
    expect(html).toContain('<main id="main">%TRUEFANS_MAIN%</main>');
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(html).toContain('class="site-header"');
  });

  it('gives each page SEO and link-preview tags, landmarks and a skip link', () => {
    for (const file of htmlFiles().filter((f) => !f.includes('truefans-shell'))) {
      const html = read(relative(out, file));
      const where = relative(out, file);
      expect(html, where).toMatch(/<html lang="en"/);
      if (where === '404.html') expect(html, where).toContain('<meta name="robots" content="noindex">');
      else expect(html, where).toContain(`<link rel="canonical" href="https://marenholt.example/${where.replace(/index\.html$/, '')}">`);
      expect(html, where).toMatch(/<meta property="og:title" content="[^"]+"/);
      expect(html, where).toMatch(/<meta property="og:description" content="[^"]+"/);
      expect(html, where).toMatch(/<meta property="og:image" content="https:\/\/marenholt\.example\/_astro\/[^"]+"/);
      expect(html, where).toMatch(/<meta name="twitter:card" content="summary(_large_image)?"/);
      expect(html, where).toContain('<a class="skip-link" href="#main">');
      expect(html.match(/<main id="main">/g), where).toHaveLength(1);
      expect(html.match(/<h1[\s>]/g), where).toHaveLength(1);
      expect(html, where).toContain('href="/_truefans/account"');
      const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i), `${where}: duplicate ids`).toEqual([]);
      for (const [, target] of html.matchAll(/aria-(?:labelledby|describedby)="([^"]+)"/g)) expect(ids, where).toContain(target);
      for (const [, field] of html.matchAll(/<input id="([^"]+)"/g)) expect(html, where).toContain(`<label for="${field}">`);
    }
    expect(postPage('welcome-to-the-barn')).toContain('<meta name="twitter:card" content="summary_large_image">');
  });

  it('keeps the shell and the 404 page out of the sitemap', () => {
    const sitemap = files()
      .filter((f) => /sitemap-\d+\.xml$/.test(f))
      .map((f) => read(relative(out, f)))
      .join('');
    expect(sitemap).toContain('<loc>https://marenholt.example/posts/</loc>');
    expect(sitemap).toContain('<loc>https://marenholt.example/about/</loc>');
    expect(sitemap).not.toContain('truefans-shell');
    expect(sitemap).not.toContain('404');
    expect(read('robots.txt')).toContain('Sitemap: https://marenholt.example/sitemap-index.xml');
    expect(read('robots.txt')).toContain('Disallow: /_truefans/');
  });
});

/** Serves the build output as a static host would: /path/ is path/index.html, anything else is a 404. */
function serve(dir: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.css': 'text/css', '.svg': 'image/svg+xml', '.webp': 'image/webp', '.jpg': 'image/jpeg', '.png': 'image/png', '.xml': 'application/xml' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) file = join(dir, '404.html');
    res.writeHead(file.endsWith('404.html') && !path.endsWith('404.html') ? 404 : 200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

describe('the example site in a browser', () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const pages = ['/', '/posts/', '/posts/salt-and-lantern-demo/', '/posts/recording-the-fiddle-tracks/', '/posts/open-tunings-field-guide/', '/membership/', '/signin/', '/shows/', '/privacy/', '/nowhere/'];

  beforeAll(async () => {
    server = await serve(out);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => server?.close(done));
  });

  it('has no axe violations (WCAG 2.1 A/AA and best practices), in light and in dark', async () => {
    const page = await browser.newPage();
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      for (const path of pages) {
        await page.goto(base + path);
        await page.addScriptTag({ content: axeSource });
        const result = (await page.evaluate(() =>
          (window as unknown as { axe: { run: (o: object) => Promise<unknown> } }).axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }),
        )) as { violations: { id: string; nodes: { target: string[] }[] }[] };
        for (const v of result.violations) found.push(`${colorScheme} ${path}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
    }
    await page.close();
    expect(found).toEqual([]);
  }, 120_000);

  it('keeps the header to two rows on a 375px phone, the site name whole', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    for (const path of ['/', '/posts/salt-and-lantern-demo/', '/membership/']) {
      await page.goto(base + path);
      const header = await page.evaluate(() => {
        const boxes = [...document.querySelectorAll('.site-header .site-title, .site-header li')].map((el) => el.getBoundingClientRect());
        // Items whose vertical middles are within 12px share a row.
        const rows: number[] = [];
        for (const box of boxes) {
          const middle = box.top + box.height / 2;
          if (!rows.some((r) => Math.abs(r - middle) < 12)) rows.push(middle);
        }
        const title = document.querySelector('.site-title') as HTMLElement;
        return { rows: rows.length, height: document.querySelector('.site-header')!.getBoundingClientRect().height, titleCut: title.scrollWidth > title.clientWidth };
      });
      expect(header.rows, path).toBeLessThanOrEqual(2);
      expect(header.height, path).toBeLessThan(100);
      expect(header.titleCut, path).toBe(false);
    }
    await page.close();
  }, 60_000);

  it('fits a 360px-wide phone without sideways scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    for (const path of pages) {
      await page.goto(base + path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.close();
  }, 60_000);

  it('hides the join prompt at the end of a public post from a member (the hint cookie), not from a visitor or a lapsed fan', async () => {
    const path = `${base}/posts/welcome-to-the-barn/`;
    const prompt = (page: import('playwright-core').Page) => page.getByRole('link', { name: 'join from $5 a month' });
    const visitor = await browser.newContext();
    const page = await visitor.newPage();
    await page.goto(path);
    expect(await prompt(page).isVisible()).toBe(true);
    await visitor.close();
    for (const [value, visible] of [['True%20Fan', false], ['-', true]] as const) {
      const context = await browser.newContext();
      await context.addCookies([{ name: 'truefans-member', value, url: base }]);
      const p = await context.newPage();
      await p.goto(path);
      expect(await prompt(p).isVisible(), value).toBe(visible);
      await context.close();
    }
  }, 30_000);

  it('shows the skip link and a visible focus ring to keyboard users', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/posts/salt-and-lantern-demo/`);
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const box = el.getBoundingClientRect();
      return { text: el.textContent, top: box.top, outline: getComputedStyle(el).outlineStyle };
    });
    expect(skip.text).toBe('Skip to content');
    expect(skip.top).toBeGreaterThanOrEqual(0);
    await page.focus('button[name="interval"][value="year"]');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as HTMLElement);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    expect(ring.style).toBe('solid');
    expect(ring.width).toBeGreaterThanOrEqual(2);
    await page.close();
  });
});
