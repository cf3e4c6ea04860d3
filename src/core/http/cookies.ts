// Cookie names, attributes and parsing. On HTTPS the names carry the `__Host-` prefix, which the browser
// only accepts with Secure, Path=/ and no Domain, so no subdomain can plant or read them.

export const SESSION_COOKIE = 'truefans';
export const CHECKOUT_COOKIE = 'truefans-checkout';

function isLocalHttp(url: URL): boolean {
  return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname.endsWith('.localhost'));
}

/** The cookie's name as sent for this request's origin. */
export function cookieName(base: string, url: URL): string {
  return url.protocol === 'https:' ? `__Host-${base}` : base;
}

export function readCookie(request: Request, base: string, url: URL): string | undefined {
  const header = request.headers.get('cookie');
  if (!header) return undefined;
  const name = cookieName(base, url);
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, Secure unless plain http on localhost. */
export function setCookie(base: string, value: string, url: URL, maxAgeSeconds: number): string {
  const parts = [`${cookieName(base, url)}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`];
  if (!isLocalHttp(url)) parts.push('Secure');
  return parts.join('; ');
}

export function clearCookie(base: string, url: URL): string {
  return setCookie(base, '', url, 0);
}

/**
 * A cookie page scripts may read (no HttpOnly): only for non-secret hints such as the member hint,
 * never for anything that grants access.
 */
export function setScriptCookie(base: string, value: string, url: URL, maxAgeSeconds: number): string {
  const parts = [`${cookieName(base, url)}=${value}`, 'Path=/', 'SameSite=Lax', `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`];
  if (!isLocalHttp(url)) parts.push('Secure');
  return parts.join('; ');
}
