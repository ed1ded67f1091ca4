import type {
  DetailsTarget,
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

type Pending = { resolve: (r: ReplyMessage) => void };

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

  private request(build: (id: number) => WebviewMessage): Promise<ReplyMessage> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      this.post(build(id));
    });
  }

  /** Resolves the request a reply answers; replies to unknown ids are ignored. */
  settle(reply: ReplyMessage): void {
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
