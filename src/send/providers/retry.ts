// HTTP with the retries providers document: 429 and 5xx are retried after Retry-After (seconds or an HTTP
// date) or a growing pause; every other answer is final. A pause between requests keeps under a rate limit.

export interface RetryOptions {
  attempts?: number;
  /** The least time between two requests of this provider, in ms. */
  minIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const sleeper = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function retryAfterMs(header: string | null, attempt: number): number {
  if (header) {
    const s = Number(header);
    if (Number.isFinite(s) && s >= 0) return Math.min(s * 1000, 60_000);
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.min(Math.max(0, at - Date.now()), 60_000);
  }
  return Math.min(500 * 2 ** attempt, 30_000);
}

export function paced(options: RetryOptions = {}) {
  const sleep = options.sleep ?? sleeper;
  let last = 0;
  return async function request(make: () => Promise<Response>): Promise<Response> {
    const attempts = options.attempts ?? 5;
    for (let attempt = 0; ; attempt++) {
      const wait = last + (options.minIntervalMs ?? 0) - Date.now();
      if (wait > 0) await sleep(wait);
      last = Date.now();
      let response: Response;
      try {
        response = await make();
      } catch (error) {
        if (attempt + 1 >= attempts) throw error;
        await sleep(retryAfterMs(null, attempt));
        continue;
      }
      if ((response.status === 429 || response.status >= 500) && attempt + 1 < attempts) {
        await response.arrayBuffer().catch(() => undefined);
        await sleep(retryAfterMs(response.headers.get('retry-after'), attempt));
        continue;
      }
      return response;
    }
  };
}
