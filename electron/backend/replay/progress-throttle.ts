/**
 * Rate limit for a run's progress events: the first change goes out at once,
 * later ones at most every `intervalMs` (the latest state wins, sent when the
 * interval has passed), and `flush()` sends the final state immediately and
 * cancels anything still scheduled, so nothing follows it.
 */

export interface ThrottleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class ProgressThrottle {
  private last = -Infinity;
  private timer: unknown;
  private scheduled = false;
  private closed = false;

  constructor(
    /** Sends the current state (called with no argument: the caller reads its own latest state). */
    private readonly send: () => void,
    private readonly intervalMs = 100,
    private readonly clock: ThrottleClock = systemClock,
  ) {}

  /** The state changed: send it now, or once the interval since the last send has passed. */
  changed(): void {
    if (this.closed || this.scheduled) return;
    const wait = this.last + this.intervalMs - this.clock.now();
    if (wait <= 0) return this.fire();
    this.scheduled = true;
    this.timer = this.clock.setTimeout(() => {
      this.scheduled = false;
      if (!this.closed) this.fire();
    }, wait);
  }

  /** The final state: sent at once; whatever was pending is dropped and later changes are ignored. */
  flush(): void {
    if (this.closed) return;
    this.cancel();
    this.fire();
    this.closed = true;
  }

  /** Stops without sending. */
  cancel(): void {
    if (this.scheduled) this.clock.clearTimeout(this.timer);
    this.scheduled = false;
  }

  private fire(): void {
    this.last = this.clock.now();
    this.send();
  }
}
