// Writes the example site's members-only demo recording, content/posts/recordings/kitchen-table-demo.wav:
// eight seconds of a plucked open-G chord (Karplus-Strong strings from a seeded noise burst), 16-bit mono
// at 11,025 Hz, about 176 KB. Deterministic, so running it again writes the same bytes (tests make
// other recordings with another seed).
//
//   node scripts/demo-recording.ts [out.wav] [seconds]

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const RATE = 11_025;

export function demoRecording(seconds = 8, seed = 0x2545f491): Uint8Array {
  const samples = Math.round(RATE * seconds);
  const mix = new Float64Array(samples);
  const noise = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  // G major, open strings (Hz), each struck a little after the one before, twice: a strum and a restrike.
  const strings = [98, 123.47, 146.83, 196, 246.94, 392];
  for (const strum of [0, seconds / 2]) {
    strings.forEach((hz, k) => {
      const period = Math.round(RATE / hz);
      const line = Float64Array.from({ length: period }, noise);
      const start = Math.round((strum + k * 0.045) * RATE);
      for (let i = 0, p = 0; start + i < samples; i++, p = (p + 1) % period) {
        const next = (p + 1) % period;
        line[p] = 0.996 * 0.5 * (line[p]! + line[next]!);
        mix[start + i]! += line[p]! * 0.22;
      }
    });
  }
  const out = new Uint8Array(44 + samples * 2);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, RATE, true);
  view.setUint32(28, RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) view.setInt16(44 + i * 2, Math.max(-1, Math.min(1, mix[i]!)) * 32767, true);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = resolve(process.argv[2] ?? 'content/posts/recordings/kitchen-table-demo.wav');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, demoRecording(Number(process.argv[3] ?? 8)));
  console.log(`wrote ${out}`);
}
