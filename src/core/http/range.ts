// HTTP byte ranges (RFC 9110 §14) for the sealed media the function serves: which bytes a request asks
// for, given the representation's length and strong ETag. One range is honoured; a request for several
// is answered with the whole file (a 200), which §14.2 allows and no player or podcast app needs more.

export type RangeChoice =
  | { kind: 'whole' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

const SINGLE = /^bytes=(\d*)-(\d*)$/i;

/**
 * What to send for `headers` (Range, If-Range) of a representation of `length` bytes tagged `etag`.
 * An If-Range that does not name this ETag (a date, another build's tag) gets the whole file, so a client
 * never splices bytes of two versions; a Range it cannot parse is ignored, as §14.2 says.
 */
export function chooseRange(headers: Headers, length: number, etag: string): RangeChoice {
  const range = headers.get('range');
  if (range === null) return { kind: 'whole' };
  const ifRange = headers.get('if-range');
  // Strong comparison (§13.1.3): a weak tag never matches, and neither does a Last-Modified date.
  if (ifRange !== null && ifRange.trim() !== etag) return { kind: 'whole' };
  const spec = range.replace(/\s+/g, '');
  if (spec.includes(',')) return { kind: 'whole' };
  const m = SINGLE.exec(spec);
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'whole' };
  if (m[1] === '') {
    // A suffix: the last N bytes.
    const suffix = Number(m[2]);
    if (suffix === 0 || length === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, length - suffix), end: length - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? length - 1 : Math.min(Number(m[2]), length - 1);
  if (!Number.isSafeInteger(start) || (m[2] !== '' && Number(m[2]) < start)) return { kind: 'whole' };
  if (start >= length) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}
