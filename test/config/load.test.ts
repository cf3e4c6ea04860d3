// loadContent reads content/ from disk and reports every problem in every file at once.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadContent } from '../../src/config/load.ts';
import { ContentError } from '../../src/config/parse.ts';

function content(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'truefans-content-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, 'content', name, '..'), { recursive: true });
    writeFileSync(join(root, 'content', name), text);
  }
  return root;
}

it('lists the problems of every file together, by path relative to the project', () => {
  const root = content({
    'site.yaml': 'title: T\nurl: https://t.example\nauthor: { name: A }\ntiers: [{ id: fan, name: Fan, yearly: 70 }]\noffers: [{ id: zine, name: Zine, price: 4, file: files/zine.pdf }]\n',
    'posts/one.md': '---\ntitle: One\ndate: 2026-11-01\naccess: fans\n---\nText.\n',
    'posts/two.mdx': '---\ndate: 2026-11-02\n---\nText.\n',
    'pages/posts.md': '---\ntitle: Posts\n---\nText.\n',
    'pages/about.md': '---\ntitle: About\nnav: 2\n---\nText.\n',
  });
  let error: unknown;
  try {
    loadContent(join(root, 'content'), root);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ContentError);
  // The offer's missing file stops the site check before posts are read; fix it and the rest follow.
  expect((error as ContentError).problems).toEqual(['content/site.yaml: offers[0].file: no file at content/files/zine.pdf']);

  mkdirSync(join(root, 'content/files'));
  writeFileSync(join(root, 'content/files/zine.pdf'), '%PDF-1.4');
  try {
    loadContent(join(root, 'content'), root);
  } catch (e) {
    error = e;
  }
  expect((error as ContentError).problems).toEqual([
    'content/posts/one.md: access: expected one of public, members, fan, got "fans"',
    'content/posts/two.mdx: title: expected a title, but it is missing',
    'content/pages/about.md: nav: expected true, false or a short label, got 2',
    'content/pages/posts.md: the address /posts/ is used by the site itself; rename the file (for example to about-posts.md)',
  ]);
});
