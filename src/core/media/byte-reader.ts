// Reads a byte stream in exact-sized pieces (a sealed chunk, a header) whatever sizes the platform hands
// its bytes over in, holding at most one piece plus one platform read: what keeps a long recording's
// memory flat.

/** What a sealed recording is read through: exact-sized pieces, in order. */
export interface PieceReader {
  /** The next `n` bytes, or fewer if the bytes end first. */
  read(n: number): Promise<Uint8Array<ArrayBuffer>>;
  /** Lets the source go. */
  cancel(): void;
}

export class ByteReader implements PieceReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #held: Uint8Array | undefined;
  #done = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  async #more(): Promise<boolean> {
    if (this.#held?.length) return true;
    while (!this.#done) {
      const { value, done } = await this.#reader.read();
      if (done) this.#done = true;
      else if (value.length) {
        this.#held = value;
        return true;
      }
    }
    return false;
  }

  /** Drops `n` bytes; false if the stream ended first. */
  async skip(n: number): Promise<boolean> {
    let left = n;
    while (left > 0) {
      if (!(await this.#more())) return false;
      const take = Math.min(left, this.#held!.length);
      this.#held = this.#held!.subarray(take);
      left -= take;
    }
    return true;
  }

  /**
   * The next `n` bytes, or fewer if the stream ends first: a view of the platform's own read when it holds
   * them all (nothing copied), else a copy gathered from several reads.
   */
  async read(n: number): Promise<Uint8Array<ArrayBuffer>> {
    if (!(await this.#more())) return new Uint8Array(0);
    const held = this.#held!;
    if (held.length >= n) {
      this.#held = held.subarray(n);
      return held.subarray(0, n) as Uint8Array<ArrayBuffer>;
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      if (!(await this.#more())) return out.subarray(0, at);
      const take = Math.min(n - at, this.#held!.length);
      out.set(this.#held!.subarray(0, take), at);
      this.#held = this.#held!.subarray(take);
      at += take;
    }
    return out;
  }

  /** Lets the source go: the platform stops reading the file. */
  cancel(): void {
    this.#held = undefined;
    this.#done = true;
    this.#reader.cancel().catch(() => undefined);
  }
}
