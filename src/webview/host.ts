import type {
  DetailsTarget,
  HistoryMessage,
  PersistedDashboardState,
  ReplyMessage,
  SimulatorCommand,
  WebviewMessage,
} from '../protocol/dashboard';
import { PROTOCOL_VERSION } from '../protocol/dashboard';

/** What VS Code injects into a webview as `acquireVsCodeApi()`. */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

type Pending = { resolve: (r: ReplyMessage | HistoryMessage) => void };

/** The webview's side of the channel: typed sends, request/reply by id, persisted state. */
export class HostChannel {
  private readonly api: VsCodeApi;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor() {
    this.api = acquireVsCodeApi();
  }

  private post(message: WebviewMessage): void {
    this.api.postMessage(message);
  }

  ready(): void {
    this.post({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
  }

  selectTime(timeMs: number | null): void {
    this.post({ type: 'select-time', timeMs });
  }

  control(command: SimulatorCommand): Promise<ReplyMessage> {
    return this.request((id) => ({ type: 'control', id, command }));
  }

  exportSnapshot(timeMs: number | null): Promise<ReplyMessage> {
    return this.request((id) => ({ type: 'export-snapshot', id, timeMs }));
  }

  openDetails(target: DetailsTarget, timeMs: number | null): Promise<ReplyMessage> {
    return this.request((id) => ({ type: 'open-details', id, target, timeMs }));
  }

  /** Asks for older snapshots; resolves with the `history` message, or the error `reply`. */
  loadHistory(beforeTimeMs: number, max: number): Promise<HistoryMessage | ReplyMessage> {
    return this.request((id) => ({ type: 'load-history', id, beforeTimeMs, max }));
  }

  private request<R extends ReplyMessage | HistoryMessage = ReplyMessage>(
    build: (id: number) => WebviewMessage,
  ): Promise<R> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve: resolve as (r: ReplyMessage | HistoryMessage) => void });
      this.post(build(id));
    });
  }

  /** Resolves the request a reply (or history message) answers; unknown ids are ignored. */
  settle(reply: ReplyMessage | HistoryMessage): void {
    const p = this.pending.get(reply.id);
    if (p === undefined) return;
    this.pending.delete(reply.id);
    p.resolve(reply);
  }

  getState(): unknown {
    return this.api.getState();
  }

  setState(state: PersistedDashboardState): void {
    this.api.setState(state);
  }
}
