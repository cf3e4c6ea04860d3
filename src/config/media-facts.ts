// What the build needs to know of a recording in content/ (a post's `audio` or `video`): its size, and its
// length in seconds where its format says (music-metadata reads the headers and frames of mp3, m4a, wav,
// ogg, flac and the video containers), for the player's caption and the podcast feeds' itunes:duration.

import { statSync } from 'node:fs';
import { parseFile } from 'music-metadata';

/** Bytes and seconds (when the file's format tells them). */
export async function mediaFacts(file: string): Promise<{ size: number; seconds: number | undefined }> {
  const size = statSync(file).size;
  try {
    const { format } = await parseFile(file, { duration: true, skipCovers: true });
    return { size, seconds: format.duration && Number.isFinite(format.duration) ? format.duration : undefined };
  } catch {
    return { size, seconds: undefined };
  }
}

