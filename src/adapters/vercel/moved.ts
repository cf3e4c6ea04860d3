/** Where the Vercel output keeps gated pages, so that their own paths fall through to the function. */
export const MOVED_PREFIX = '/_truefans/pages';
