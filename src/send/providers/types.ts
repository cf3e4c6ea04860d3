// One sending interface for every provider of post emails (the edge's own transactional mail stays on
// its Mailer port, src/core/email). A provider takes a batch of at most `batchSize` messages and says, per
// message, whether it was accepted; it retries on its own what its docs say to retry.

export interface OutMessage {
  to: string;
  from: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** List-Unsubscribe and List-Unsubscribe-Post (RFC 8058), and any other header. */
  headers: Record<string, string>;
  /** Stable per post and recipient. */
  idempotencyKey: string;
}

export type Outcome = { ok: true } | { ok: false; reason: string };

export interface Sender {
  readonly name: string;
  readonly batchSize: number;
  /** The provider drops a repeated request with the same key (Resend: for 24 hours): safe to ask again. */
  readonly idempotent: boolean;
  send(batch: OutMessage[], batchKey: string): Promise<Outcome[]>;
  close?(): Promise<void>;
}
