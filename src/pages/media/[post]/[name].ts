// Each post's recording (frontmatter `audio` or `video`) as a file of the build, at /media/<post>/<name>.
// A recording the page uses only inside a members-only part is then sealed by the build, in chunks, and
// removed from the output (src/integration/seal-assets.ts); a public post's stays a plain static file.
import type { APIRoute, GetStaticPaths } from 'astro';
import { readFileSync } from 'node:fs';
import { mediaOf } from '../../../lib/media.ts';
import { getPosts } from '../../../lib/posts.ts';

export const getStaticPaths = (async () => {
  const posts = await getPosts();
  return posts.flatMap((post) => {
    const media = mediaOf(post);
    return media ? [{ params: { post: post.id, name: media.name }, props: { file: media.file, type: media.type } }] : [];
  });
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) => new Response(readFileSync(props.file as string), { headers: { 'Content-Type': props.type as string } });
