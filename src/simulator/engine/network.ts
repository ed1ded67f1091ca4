import type { Timers } from '../clock';
import type { Network } from './world';

/**
 * A loopback network with a fixed one-way latency. Deterministic: no jitter, so the same scenario
 * always interleaves requests the same way. A cut-off client loses its requests and the replies
 * sent to it; a request already at the coordinator is still handled.
 */
export class SimNetwork implements Network {
  private readonly cutOff = new Map<string, number | null>();
  private readonly watchers = new Map<string, Set<(cutOff: boolean) => void>>();
  /** What watchers were last told, per client. */
  private readonly told = new Map<string, boolean>();

  constructor(
    private readonly timers: Timers,
    readonly latencyMs = 1,
  ) {}

  request<R>(
    clientKey: string,
    handle: (reply: (response: R) => void) => void,
    onResponse: (response: R) => void,
  ): void {
    if (this.isPartitioned(clientKey)) return;
    this.timers.schedule(this.latencyMs, () => {
      handle((response) => {
        this.timers.schedule(this.latencyMs, () => {
          if (!this.isPartitioned(clientKey)) onResponse(response);
        });
      });
    });
  }

  partition(clientKey: string, untilMs: number | null): void {
    if (untilMs === null) this.cutOff.delete(clientKey);
    else this.cutOff.set(clientKey, untilMs);
    this.notify(clientKey);
    if (untilMs !== null && this.watchers.has(clientKey)) {
      this.timers.schedule(Math.max(0, untilMs - this.timers.now()), () => this.notify(clientKey));
    }
  }

  watch(clientKey: string, listener: (cutOff: boolean) => void): () => void {
    let set = this.watchers.get(clientKey);
    if (set === undefined) {
      set = new Set();
      this.watchers.set(clientKey, set);
      this.told.set(clientKey, this.isPartitioned(clientKey));
      const until = this.cutOff.get(clientKey);
      if (until !== undefined && until !== null) {
        this.timers.schedule(Math.max(0, until - this.timers.now()), () => this.notify(clientKey));
      }
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.watchers.delete(clientKey);
        this.told.delete(clientKey);
      }
    };
  }

  private notify(clientKey: string): void {
    const set = this.watchers.get(clientKey);
    if (set === undefined) return;
    const now = this.isPartitioned(clientKey);
    if (this.told.get(clientKey) === now) return;
    this.told.set(clientKey, now);
    for (const l of [...set]) l(now);
  }

  isPartitioned(clientKey: string): boolean {
    if (!this.cutOff.has(clientKey)) return false;
    const until = this.cutOff.get(clientKey);
    if (until === null || until === undefined) return true;
    if (this.timers.now() >= until) {
      this.cutOff.delete(clientKey);
      return false;
    }
    return true;
  }
}
