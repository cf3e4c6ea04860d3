// Return paths carried through forms, Stripe and sign-in links. Only a same-site relative path is kept;
// anything that a browser could read as another host (`//evil`, `/\evil`, `https://evil`, `javascript:`,
// control characters, a backslash anywhere) falls back to `/`.

/**
 * The longest return path kept. It travels in Checkout Session metadata (`truefans_return`), where
 * Stripe refuses values over 500 characters, so a long one falls back to `/` before it reaches Stripe.
 */
export const MAX_RETURN_PATH = 400;

export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string') return '/';
  if (value.length === 0 || value.length > MAX_RETURN_PATH) return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s\\]/.test(value)) return '/';
  if (!value.startsWith('/') || value.startsWith('//')) return '/';
  let parsed: URL;
  try {
    parsed = new URL(value, 'https://truefans.invalid');
  } catch {
    return '/';
  }
  if (parsed.origin !== 'https://truefans.invalid') return '/';
  const path = parsed.pathname + parsed.search + parsed.hash;
  // The path must not turn into a protocol-relative URL after normalisation (`/./ /evil` style tricks),
  // nor grow past the limit by percent-encoding.
  return path.startsWith('//') || path.length > MAX_RETURN_PATH ? '/' : path;
}
