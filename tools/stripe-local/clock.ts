// The stand-in's clock. Injected `now` freezes it (tests); otherwise it runs with the wall clock plus
// whatever the test clock has been advanced by (the demo), like a Stripe test clock.

export interface ClockState {
  frozen: boolean;
  /** The frozen time, or the offset from the wall clock, in ms. */
  ms: number;
}

export class Clock {
  #frozen: boolean;
  #ms: number;

  constructor(state: ClockState) {
    this.#frozen = state.frozen;
    this.#ms = state.ms;
  }

  nowMs(): number {
    return this.#frozen ? this.#ms : Date.now() + this.#ms;
  }

  /** Unix seconds, as every Stripe timestamp is. */
  nowSec(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  setMs(ms: number): void {
    if (this.#frozen) this.#ms = ms;
    else this.#ms = ms - Date.now();
  }

  state(): ClockState {
    return { frozen: this.#frozen, ms: this.#ms };
  }
}
