// A small MP4 for tests of `video:` posts, made without an encoder: an ISO BMFF file with a video track
// (320x240) and an AAC audio track, each `seconds` long by its media header, and an `mdat` of seeded
// noise standing in for the frames (no player could decode them; the build only reads the container, as
// music-metadata does, and seals the bytes). Deterministic for a seed.

const encoder = new TextEncoder();

function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const size = 8 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(encoder.encode(type), 4);
  let at = 8;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function u32(...values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(4 * i, v >>> 0));
  return out;
}

const u16 = (...values: number[]) => new Uint8Array(values.flatMap((v) => [v >> 8, v & 255]));
const zeros = (n: number) => new Uint8Array(n);
const MATRIX = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);
const EMPTY_TABLES = [box('stts', u32(0, 0)), box('stsc', u32(0, 0)), box('stsz', u32(0, 0, 0)), box('stco', u32(0, 0))];

function track(id: number, handler: 'vide' | 'soun', timescale: number, duration: number, sampleEntry: Uint8Array): Uint8Array {
  const tkhd = box('tkhd', u32(3, 0, 0, id, 0, duration), zeros(8), u16(0, 0, handler === 'soun' ? 0x100 : 0, 0), MATRIX, u32(handler === 'vide' ? 320 << 16 : 0, handler === 'vide' ? 240 << 16 : 0));
  const mdhd = box('mdhd', u32(0, 0, 0, timescale, duration), u16(0x55c4, 0));
  const hdlr = box('hdlr', u32(0, 0), encoder.encode(handler), zeros(12), encoder.encode(handler === 'vide' ? 'Video\0' : 'Sound\0'));
  const header = handler === 'vide' ? box('vmhd', u32(1), zeros(8)) : box('smhd', u32(0, 0));
  const stbl = box('stbl', box('stsd', u32(0, 1), sampleEntry), ...EMPTY_TABLES);
  const minf = box('minf', header, box('dinf', box('dref', u32(0, 1), box('url ', u32(1)))), stbl);
  return box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
}

export function demoVideo(seconds = 5, seed = 0x5eed1234, noiseBytes = 48 * 1024): Uint8Array {
  const rate = 44_100;
  const avc1 = box('avc1', zeros(6), u16(1), zeros(16), u16(320, 240), u32(0x480000, 0x480000, 0), u16(1), zeros(32), u16(24, 0xffff));
  const mp4a = box('mp4a', zeros(6), u16(1), zeros(8), u16(2, 16, 0, 0), u32(rate << 16));
  const mvhd = box('mvhd', u32(0, 0, 0, 1000, seconds * 1000, 0x10000), u16(0x100), zeros(10), MATRIX, zeros(24), u32(3));
  const moov = box('moov', mvhd, track(1, 'vide', 1000, seconds * 1000, avc1), track(2, 'soun', rate, seconds * rate, mp4a));
  const noise = new Uint8Array(noiseBytes);
  for (let i = 0; i < noiseBytes; i++) noise[i] = (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24;
  const ftyp = box('ftyp', encoder.encode('isom'), u32(0x200), encoder.encode('isomiso2avc1mp41'));
  const file = [ftyp, moov, box('mdat', noise)];
  const out = new Uint8Array(file.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of file) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
