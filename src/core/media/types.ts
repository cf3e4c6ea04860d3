// The content types of the recordings a post can carry (frontmatter `audio` and `video`): one table for
// the page's player, the sealing pass and the podcast feeds, so an enclosure's type is the one served.

const MEDIA_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg', m4a: 'audio/mp4', aac: 'audio/aac', wav: 'audio/wav', ogg: 'audio/ogg', oga: 'audio/ogg',
  opus: 'audio/ogg', flac: 'audio/flac', mp4: 'video/mp4', m4v: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime',
};

/** The type of an audio or video file by its name, or undefined for anything else. */
export function mediaTypeOf(name: string): string | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return ext ? MEDIA_TYPES[ext] : undefined;
}

/** Audio and video are sealed in chunks and served with byte ranges. */
export const isMediaType = (type: string): boolean => /^(audio|video)\//.test(type);
