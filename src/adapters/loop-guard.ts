// Netlify and Vercel functions read deploy files by fetching their own site. Those fetches carry this
// header, and a function that receives it answers 508 at once: a file the CDN does not have, routed back
// to the function, can then cost one extra invocation, never an endless chain.

export const LOOP_HEADER = 'x-truefans-subrequest';

export function loopDetected(): Response {
  return new Response('Loop detected', { status: 508, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}
