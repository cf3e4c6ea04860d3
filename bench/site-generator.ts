// Generates a site of N posts with believable, varied prose, identical between runs but for `access`,
// so that a public build and a members-only build differ only in sealing.
//
// The vocabulary is large on purpose: the leak check stops a build when any 6 consecutive members-only
// words appear in the clear, so with a small vocabulary a big site repeats 6-word runs by chance (with 64
// words, a 5,000-post site does). With V words drawn uniformly, the expected number of chance matches is
// about (indexed windows x scanned words) / V^6: for 10,000 posts (1e6 x 6e6) and V of about 4,000
// that is under 1e-8.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BASE = (
  'song tour barn guitar morning river letter harmony chorus verse fiddle road night city small venue crowd ' +
  'quiet record tape microphone string tuning capo melody rhythm winter summer autumn spring kitchen table ' +
  'notebook draft lyric bridge coffee train window rain field light hands voice friend mother story choir ' +
  'piano drum bass room echo cabin lantern harbour valley north south letterpress sketch chord minor major'
).split(' ');

/** The base words, then 4,096 made-up two-syllable words ("bavo", "kelun"...), all distinct. */
export const VOCABULARY: readonly string[] = (() => {
  const onsets = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'br', 'st'];
  const nuclei = ['a', 'e', 'i', 'o'];
  const codas = ['', 'n', 'r', 'l'];
  const syllables = onsets.flatMap((o) => nuclei.map((n) => o + n)); // 64
  const words = new Set(BASE);
  for (const first of syllables) for (const second of syllables) words.add(first + second + codas[(first.length + second.length * 3) % codas.length]);
  return [...words];
})();

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** `words` words of prose in paragraphs of 40 to 100. */
function prose(next: () => number, words: number): string {
  const paragraphs: string[] = [];
  let left = words;
  while (left > 0) {
    const n = Math.min(left, 40 + Math.floor(next() * 60));
    paragraphs.push(Array.from({ length: n }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]).join(' ') + '.');
    left -= n;
  }
  return paragraphs.join('\n\n');
}

const SITE_YAML =
  'title: Bench Site\nurl: https://bench.example\nauthor:\n  name: Bench Author\ntiers:\n  - id: fan\n    name: Fan\n    yearly: 70\nposts_per_page: 20\n';

export function generateSite(dir: string, posts: number, access: 'public' | 'members', wordsPerPost = 600): void {
  mkdirSync(join(dir, 'posts'), { recursive: true });
  writeFileSync(join(dir, 'site.yaml'), SITE_YAML);
  const next = rng(42);
  for (let i = 0; i < posts; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    writeFileSync(
      join(dir, 'posts', `post-${i}.md`),
      `---\ntitle: Post number ${i}\ndate: 2026-0${(i % 9) + 1}-${day}\ndescription: A short note, number ${i}.\naccess: ${access}\n---\n${prose(next, wordsPerPost)}\n`,
    );
  }
}

/**
 * A site of the given posts, each with about `bytes` of text. A members-only post keeps its first
 * paragraph public (a teaser above the divider), as a creator would write it.
 */
export function generatePosts(dir: string, posts: Array<{ slug: string; access: 'public' | 'members'; bytes: number }>): void {
  mkdirSync(join(dir, 'posts'), { recursive: true });
  writeFileSync(join(dir, 'site.yaml'), SITE_YAML);
  const next = rng(7);
  const averageWordBytes = VOCABULARY.reduce((n, w) => n + w.length + 1, 0) / VOCABULARY.length;
  for (const [i, post] of posts.entries()) {
    const teaser = prose(next, 60);
    const body = prose(next, Math.round(post.bytes / averageWordBytes) - 60);
    writeFileSync(
      join(dir, 'posts', `${post.slug}.md`),
      `---\ntitle: ${post.slug}\ndate: 2026-01-${String(i + 1).padStart(2, '0')}\ndescription: A post of the serving bench.\naccess: ${post.access}\n---\n${teaser}\n\n${post.access === 'members' ? '<!-- members -->\n\n' : ''}${body}\n`,
    );
  }
}
