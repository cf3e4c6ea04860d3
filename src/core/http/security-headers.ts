// The one set of security headers, for every response the project controls: the core applies it to what
// the function answers (the Node adapter serves everything through the core), and the build writes the
// same set into each platform's own header file for the static files the CDN serves (Netlify and
// Cloudflare `_headers`, Vercel's config.json routes).
//
// Inline script or style is allowed only by hash. To allow one, add its hash to the list below (one line);
// the build refuses a page whose inline script or style has no hash here, naming the file and the line to add.

/** `sha256-<base64>` of each inline <script> the site may ship (a test holds each to its source). */
export const SCRIPT_HASHES: readonly string[] = [
  'sha256-drudI0a2jy4zF/XuGBV3XySD3g9qeUnrSVCBIGNYi/k=', // MEMBER_HINT_SCRIPT in src/lib/member-hint-script.ts
  'sha256-BhIDgT4Naa/aEwuoqXXGqLbubXjnSmGesG7Vsu6p/6o=', // COPY_FEED_SCRIPT in src/core/pages/copy-script.ts (the account page's "Copy")
];

/** `sha256-<base64>` of each inline <style>. The function's built-in fallback page (pages/shell.ts) has one. */
export const STYLE_HASHES: readonly string[] = [
  'sha256-2oXrRha1Mc22EBymRx5EBfhjqu7rxWaOzUzdAFDFsSw=', // fallbackShell() in src/core/pages/shell.ts
];

const quoted = (hashes: readonly string[]) => hashes.map((h) => ` '${h}'`).join('');

/**
 * Strict: nothing but the site's own files; images and media may also come from https (a creator may embed
 * them). No `form-action`: the checkout and portal forms are answered by a redirect to Stripe (or the local
 * stand-in), which form-action would have to list, and the site's own markup is escaped.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // No script file on any page but the search page (SEARCH_PAGE_CSP): only the hashed inline scripts run.
  `script-src${quoted(SCRIPT_HASHES) || " 'none'"}`,
  `style-src 'self'${quoted(STYLE_HASHES)}`,
  "img-src 'self' data: https:",
  "media-src 'self' https:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The site search page (src/pages/search.astro), the one page that loads script, and Pagefind's files. */
export const SEARCH_PAGE = '/search/';
export const SEARCH_FILES = '/pagefind/';

/**
 * The search page's policy: the same, but its script-src also allows the site's own files (Pagefind's UI
 * and search, under /pagefind/) and compiling WebAssembly (Pagefind searches in WebAssembly; without
 * 'wasm-unsafe-eval' a browser refuses to compile it). It allows no eval of JavaScript.
 */
export const SEARCH_PAGE_CSP = CONTENT_SECURITY_POLICY.replace(/script-src[^;]*/, `script-src 'self' 'wasm-unsafe-eval'${quoted(SCRIPT_HASHES)}`);

/**
 * The policy for a path: the search page's own for it and for Pagefind's files (its search runs in a Web
 * Worker, /pagefind/pagefind-worker.js, and a worker is governed by the CSP of its own script's response,
 * so WebAssembly must be allowed there too), else the site's.
 */
export function cspFor(pathname: string): string {
  return pathname === SEARCH_PAGE || pathname === `${SEARCH_PAGE}index.html` || pathname.startsWith(SEARCH_FILES) ? SEARCH_PAGE_CSP : CONTENT_SECURITY_POLICY;
}

/** A year; no includeSubDomains, since the creator's other subdomains are not ours to decide. */
export const HSTS = 'max-age=31536000';

/**
 * The default referrer policy. The function's own pages set theirs (`same-origin` where a page's forms must
 * send a real Origin, `no-referrer` where the URL holds a sign-in token); those are kept.
 */
export const DEFAULT_REFERRER_POLICY = 'strict-origin-when-cross-origin';

/** Every header but HSTS, which belongs only on HTTPS answers. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': DEFAULT_REFERRER_POLICY,
  'permissions-policy': 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
  'cross-origin-opener-policy': 'same-origin',
};

/** For the static header files: the CDNs serve only HTTPS (browsers ignore HSTS on plain HTTP anyway). */
export const STATIC_HEADERS: Readonly<Record<string, string>> = { ...SECURITY_HEADERS, 'strict-transport-security': HSTS };

/**
 * `response` with the set applied: a header a route set itself (its own referrer policy, a sealed file's
 * stricter `default-src 'none'; sandbox` policy) is kept, with `frame-ancestors 'none'` added to a policy
 * that lacks it. HSTS only when the request arrived over HTTPS.
 */
export function withSecurityHeaders(response: Response, url: URL): Response {
  let headers = response.headers;
  // Responses from fetch() (a CDN's static file) have immutable headers; copy them into a new Response.
  try {
    headers.set('x-content-type-options', 'nosniff');
  } catch {
    const copy = new Response(response.body, response);
    return withSecurityHeaders(copy, url);
  }
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!headers.has(name)) headers.set(name, name === 'content-security-policy' ? cspFor(url.pathname) : value);
  // The search page's policy replaces whatever the static file came with: a CDN that joins every matching
  // `_headers` rule (Cloudflare does) would otherwise send both policies, and the site's blocks the search.
  if (cspFor(url.pathname) === SEARCH_PAGE_CSP) headers.set('content-security-policy', SEARCH_PAGE_CSP);
  const csp = headers.get('content-security-policy')!;
  if (!/(^|;)\s*frame-ancestors\b/.test(csp)) headers.set('content-security-policy', `${csp}; frame-ancestors 'none'`);
  if (url.protocol === 'https:') headers.set('strict-transport-security', HSTS);
  return response;
}
