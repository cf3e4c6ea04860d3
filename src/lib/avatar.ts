// The creator's portrait, through Astro's image pipeline. site.yaml names it as a path under content/;
// the `siteMedia` collection resolves it, so it works wherever TRUEFANS_CONTENT_DIR points.

import { getEntry } from 'astro:content';
import type { ImageMetadata } from 'astro';

export async function getAvatar(): Promise<ImageMetadata | undefined> {
  const entry = await getEntry('siteMedia', 'site');
  return entry?.data.author.avatar as ImageMetadata | undefined;
}
