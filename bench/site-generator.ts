// Generates a site of N posts with believable, varied prose, identical between runs but for `access`,
// so that a public build and a members-only build differ only in sealing.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WORDS = (
  'song tour barn guitar morning river letter harmony chorus verse fiddle road night city small venue crowd ' +
  'quiet record tape microphone string tuning capo melody rhythm winter summer autumn spring kitchen table ' +
  'notebook draft lyric bridge coffee train window rain field light hands voice friend mother story choir ' +
  'piano drum bass room echo cabin lantern harbour valley north south letterpress sketch chord minor major'
).split(' ');

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export function generateSite(dir: string, posts: number, access: 'public' | 'members', wordsPerPost = 600): void {
  mkdirSync(join(dir, 'posts'), { recursive: true });
  writeFileSync(
    join(dir, 'site.yaml'),
    'title: Bench Site\nurl: https://bench.example\nauthor:\n  name: Bench Author\ntiers:\n  - id: fan\n    name: Fan\n    yearly: 70\nposts_per_page: 20\n',
  );
  const next = rng(42);
  for (let i = 0; i < posts; i++) {
    const paragraphs: string[] = [];
    let left = wordsPerPost;
    while (left > 0) {
      const n = Math.min(left, 40 + Math.floor(next() * 60));
      paragraphs.push(Array.from({ length: n }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ') + '.');
      left -= n;
    }
    const day = String((i % 28) + 1).padStart(2, '0');
    writeFileSync(
      join(dir, 'posts', `post-${i}.md`),
      `---\ntitle: Post number ${i}\ndate: 2026-0${(i % 9) + 1}-${day}\ndescription: A short note, number ${i}.\naccess: ${access}\n---\n${paragraphs.join('\n\n')}\n`,
    );
  }
}
