// Cross-site request forgery check for every state-changing POST (the webhook excepted: Stripe signs it).
//
// Decision: a POST is allowed when its Origin is the site's own: SITE_URL's origin when it is set (and only
// that: the origin a request arrived at comes from its Host header, which an attacker's request chooses),
// else the manifest's site URL or the origin the request arrived at. Every current browser sends Origin on a cross-origin POST, so:
//   - a foreign Origin is refused;
//   - `Origin: null` is refused unless `Sec-Fetch-Site` says same-origin: browsers send null for a form on a
//     page served with `Referrer-Policy: no-referrer` (our sign-in confirm page, which keeps the sign-in
//     token out of Referer) even when it posts to its own origin, and also for sandboxed frames and some
//     redirects, whose Sec-Fetch-Site is cross-site;
//   - with no Origin, `Sec-Fetch-Site` decides (same-origin or none pass; same-site and cross-site do not);
//   - with neither, a Referer must match if present; with no header at all the request cannot have come
//     from a browser on another site (curl, a server, a very old browser) and is allowed.

export function isSameOrigin(request: Request, url: URL, siteOrigin: string, onlySiteOrigin = false): boolean {
  const allowed = (origin: string) => origin === siteOrigin || (!onlySiteOrigin && origin === url.origin);
  const origin = request.headers.get('origin')?.trim() ?? null;
  const site = request.headers.get('sec-fetch-site');
  if (origin === 'null') return site === 'same-origin';
  if (origin !== null) return allowed(origin);
  if (site !== null) return site === 'same-origin' || site === 'none';
  const referer = request.headers.get('referer');
  if (referer !== null) {
    try {
      return allowed(new URL(referer).origin);
    } catch {
      return false;
    }
  }
  return true;
}
