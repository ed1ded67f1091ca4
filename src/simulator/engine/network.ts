import type { TimerHandle, Timers } from '../clock';
import type { Connection, Network } from './world';

/** One request or response on its way over a client's connection. */
interface Packet {
  readonly connection: Connection;
  /** The connection's generation when the request was sent: a reconnect starts a new one. */
  readonly generation: number;
  readonly direction: 'request' | 'response';
  /** Sent while the client was cut off: it cannot arrive before the partition heals. */
  readonly sentCutOff: boolean;
  readonly deliver: () => void;
}

/** A client's side of the network: its connections' generations and what TCP holds for it. */
interface Link {
  readonly generations: Record<Connection, number>;
  /** Packets held by a partition (and those queued behind them), in the order they arrived. */
  held: Packet[];
  /** Either the wait for the partition to heal or, once healed, the release of what was held. */
  timer: TimerHandle | null;
  releasing: boolean;
}

/**
 * A loopback network with a fixed one-way latency, and TCP's guarantees on each connection.
 * Deterministic: no jitter, so the same scenario always interleaves requests the same way.
 *
 * A partition cuts a client off: its requests and the responses sent to it are held, not lost,
 * and when it heals they are delivered in order after the latency, as TCP's retransmission would.
 * Each client has two connections (to the coordinator, and to the broker for FindCoordinator, as
 * the Java client's coordinator node is a connection of its own). A client that gives a connection
 * up (`disconnect`: a request timed out, or it closes) starts a new generation of it, and what
 * travels on the old one is gone: responses to its requests never arrive, and a request the
 * partition held never reaches the coordinator (the broker never read it off the dead socket).
 * A request already on the wire outside a partition still arrives (it was written before the
 * close), and a request the coordinator received is handled as always.
 */
export class SimNetwork implements Network {
  private readonly cutOff = new Map<string, number | null>();
  private readonly watchers = new Map<string, Set<(cutOff: boolean) => void>>();
  /** What watchers were last told, per client. */
  private readonly told = new Map<string, boolean>();
  private readonly links = new Map<string, Link>();

  constructor(
    private readonly timers: Timers,
    readonly latencyMs = 1,
  ) {}

  request<R>(
    clientKey: string,
    handle: (reply: (response: R) => void) => void,
    onResponse: (response: R) => void,
    connection: Connection = 'coordinator',
  ): void {
    const link = this.link(clientKey);
    const generation = link.generations[connection];
    const reply = (response: R): void => {
      this.send(clientKey, {
        connection,
        generation,
        direction: 'response',
        sentCutOff: this.isPartitioned(clientKey),
        deliver: () => onResponse(response),
      });
    };
    this.send(clientKey, {
      connection,
      generation,
      direction: 'request',
      sentCutOff: this.isPartitioned(clientKey),
      deliver: () => handle(reply),
    });
  }

  disconnect(clientKey: string, connection: Connection): void {
    const link = this.links.get(clientKey);
    if (link === undefined) return;
    link.generations[connection]++;
    link.held = link.held.filter((p) => p.connection !== connection);
    this.arm(clientKey, link);
  }

  partition(clientKey: string, untilMs: number | null): void {
    if (untilMs === null) this.cutOff.delete(clientKey);
    else this.cutOff.set(clientKey, untilMs);
    this.notify(clientKey);
    if (untilMs !== null && this.watchers.has(clientKey)) {
      this.timers.schedule(Math.max(0, untilMs - this.timers.now()), () => this.notify(clientKey));
    }
    const link = this.links.get(clientKey);
    if (link !== undefined) this.arm(clientKey, link);
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

  /** Packets held for a client now (for tests and details). */
  heldCount(clientKey: string): number {
    return this.links.get(clientKey)?.held.length ?? 0;
  }

  private link(clientKey: string): Link {
    let link = this.links.get(clientKey);
    if (link === undefined) {
      link = { generations: { coordinator: 0, broker: 0 }, held: [], timer: null, releasing: false };
      this.links.set(clientKey, link);
    }
    return link;
  }

  /** Every packet travels the one-way latency first; what happens on arrival depends on the link. */
  private send(clientKey: string, packet: Packet): void {
    this.timers.schedule(this.latencyMs, () => this.arrive(clientKey, packet));
  }

  private arrive(clientKey: string, packet: Packet): void {
    const link = this.link(clientKey);
    const cutOff = packet.sentCutOff || this.isPartitioned(clientKey);
    if (packet.generation !== link.generations[packet.connection]) {
      // The client closed this connection. A response has no socket to go to; a request the
      // partition held was never read by the broker; one already on the wire was read.
      if (packet.direction === 'request' && !cutOff) packet.deliver();
      return;
    }
    if (
      cutOff ||
      link.held.some((p) => p.connection === packet.connection && p.direction === packet.direction)
    ) {
      // Held by the partition, or queued behind what it held: TCP keeps each direction in order.
      link.held.push(packet);
      this.arm(clientKey, link);
      return;
    }
    packet.deliver();
  }

  /**
   * With packets held: while cut off, waits for the partition to end (an open-ended one ends only
   * by `partition(key, null)`); once healed, releases them after the latency.
   */
  private arm(clientKey: string, link: Link): void {
    if (link.held.length === 0) {
      this.stopTimer(link);
      return;
    }
    if (this.isPartitioned(clientKey)) {
      this.stopTimer(link);
      const until = this.cutOff.get(clientKey);
      if (until !== undefined && until !== null) {
        link.timer = this.timers.schedule(Math.max(0, until - this.timers.now()), () => {
          link.timer = null;
          this.arm(clientKey, link);
        });
      }
      return;
    }
    if (link.releasing && link.timer !== null && link.timer.active) return;
    this.stopTimer(link);
    link.releasing = true;
    link.timer = this.timers.schedule(this.latencyMs, () => {
      link.timer = null;
      link.releasing = false;
      this.release(clientKey, link);
    });
  }

  private release(clientKey: string, link: Link): void {
    // Each delivery may send, disconnect or cut the client off again; the queue is read afresh.
    while (link.held.length > 0 && !this.isPartitioned(clientKey)) {
      const packet = link.held.shift();
      if (packet !== undefined && packet.generation === link.generations[packet.connection]) packet.deliver();
    }
    this.arm(clientKey, link);
  }

  private stopTimer(link: Link): void {
    if (link.timer !== null) this.timers.cancel(link.timer);
    link.timer = null;
    link.releasing = false;
  }

  private notify(clientKey: string): void {
    const set = this.watchers.get(clientKey);
    if (set === undefined) return;
    const now = this.isPartitioned(clientKey);
    if (this.told.get(clientKey) === now) return;
    this.told.set(clientKey, now);
    for (const l of [...set]) l(now);
  }
}
