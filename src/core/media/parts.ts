// A sealed recording in the deploy output is written in parts of at most MEDIA_PART_BYTES: Cloudflare's
// static assets take no file over 25 MiB (and 20,000 files in all), and an hour of audio is 60 MB. The
// parts are the sealed stream cut at fixed offsets, so the edge finds any byte of it by arithmetic:
// byte i lies at i % MEDIA_PART_BYTES of part floor(i / MEDIA_PART_BYTES). Part 0 keeps the name a whole
// sealed file has (`<id>.bin`), so a recording under the size is one file, as before.

import { SEALED_ASSET_DIR } from '../paths.ts';

export const MEDIA_PART_BYTES = 24 * 1024 * 1024;

/** The deploy path of part `part` of sealed recording `id`. */
export function mediaPartPath(id: string, part: number): string {
  return `${SEALED_ASSET_DIR}/${id}${part ? `.${part}` : ''}.bin`;
}
