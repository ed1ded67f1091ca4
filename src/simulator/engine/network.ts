import type { Timers } from '../clock';
import type { Network } from './world';

/**
 * A loopback network with a fixed one-way latency. Deterministic: no jitter, so the same scenario
 * always interleaves requests the same way. A cut-off client loses its requests and the replies
 * sent to it; a request already at the coordinator is still handled.
 */
export class SimNetwork implements Network {
  private readonly cutOff = new Map<string, number | null>();

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
