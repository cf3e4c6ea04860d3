// Webhook delivery: events go out one at a time, in order, signed exactly as Stripe signs them
// (`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`), and failures are retried with backoff.
import { createHmac } from 'node:crypto';

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface DeliveryRecord {
  id: string;
  type: string;
  status: number | 'error';
  attempts: number;
}

export interface WebhookQueueOptions {
  /** Waits before each retry; the number of entries is the number of retries. */
  retryDelaysMs: readonly number[];
  /** The signing time, in Unix seconds (the stand-in's clock). */
  nowSec: () => number;
  timeoutMs?: number;
}

export function signPayload(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

interface Pending {
  event: { id: string; type: string };
  body: string;
  target: WebhookTarget;
}

export class WebhookQueue {
  readonly sent: DeliveryRecord[] = [];
  #queue: Pending[] = [];
  #running: Promise<void> | undefined;
  #options: WebhookQueueOptions;
  #closed = false;
  #timers = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();

  constructor(options: WebhookQueueOptions) {
    this.#options = options;
  }

  enqueue(event: { id: string; [key: string]: unknown }, target: WebhookTarget): void {
    if (this.#closed) return;
    this.#queue.push({ event: { id: event.id, type: String(event.type) }, body: JSON.stringify(event, null, 2), target });
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves when every queued event has been delivered or has used up its retries. */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops delivering; pending retries end at once. */
  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    for (const entry of this.#timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.#timers.clear();
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#closed) {
      const next = this.#queue.shift();
      if (next) await this.#deliver(next);
    }
  }

  async #deliver({ event, body, target }: Pending): Promise<void> {
    const record: DeliveryRecord = { id: event.id, type: event.type, status: 'error', attempts: 0 };
    this.sent.push(record);
    const delays = this.#options.retryDelaysMs;
    for (let attempt = 0; attempt <= delays.length && !this.#closed; attempt++) {
      if (attempt > 0) await this.#sleep(delays[attempt - 1] ?? 0);
      if (this.#closed) return;
      record.attempts = attempt + 1;
      record.status = await this.#post(body, target);
      if (typeof record.status === 'number' && record.status >= 200 && record.status < 300) return;
    }
  }

  async #post(body: string, target: WebhookTarget): Promise<number | 'error'> {
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': signPayload(body, target.secret, this.#options.nowSec()),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      });
      await response.body?.cancel();
      return response.status;
    } catch {
      return 'error';
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.#timers.add(entry);
    });
  }
}
