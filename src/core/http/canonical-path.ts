// One canonical form for page paths, so that no spelling of a gated page reaches its static file without
// passing the gate: percent-decoding (repeated, for double encoding), backslashes, `//`, `.` and `..`,
// case, `index.html`, a `.html` suffix and the trailing slash all fold to `/posts/slug/`.

export function canonicalPath(pathname: string): string {
  let path = pathname;
  for (let i = 0; i < 3; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      break;
    }
    if (decoded === path) break;
    path = decoded;
  }
  path = path.replace(/\\/g, '/').toLowerCase();
  const out: string[] = [];
  for (const segment of path.split('/')) {
    // Trailing dots and spaces are dropped by some file systems (`slug.` is `slug` on Windows).
    const s = segment.replace(/[. ]+$/, (m) => (segment === '.' || segment === '..' ? m : ''));
    if (s === '' || s === '.') continue;
    if (s === '..') {
      out.pop();
      continue;
    }
    out.push(s);
  }
  const last = out[out.length - 1];
  if (last === 'index.html' || last === 'index.htm') out.pop();
  else if (last?.endsWith('.html')) out[out.length - 1] = last.slice(0, -'.html'.length);
  return out.length ? `/${out.join('/')}/` : '/';
}
