import type { GroupEvent, GroupLagStatus, GroupProtocol, GroupSnapshot, GroupState } from '../model';
import type { Listener, Unsubscribe } from './emitter';

/**
 * The port every view consumes. A source is the simulator, a polled Kafka cluster, or a snapshot
 * file; all of them produce the same `GroupSnapshot`s and `GroupEvent`s, so the tree, the
 * dashboard, the diagnostics and the CLI never know which one they are drawing.
 */
export type SourceKind = 'simulator' | 'cluster' | 'file';

export type SourceState = 'idle' | 'connecting' | 'running' | 'paused' | 'stale' | 'error';

export interface SourceStatus {
  readonly state: SourceState;
  /** One line for the tree / status bar, e.g. "scale-out · 00:42.150 · 10×" or "3 brokers, 1.2 s ago". */
  readonly detail: string;
  /** Simulator: virtual time (ms). Clusters/files: time of the latest snapshot (epoch ms). */
  readonly clockMs: number | null;
  /** A human-readable error with what to do, when state is 'error' or 'stale'. */
  readonly error: string | null;
}

/** What the tree needs to draw a group row without loading the whole snapshot. */
export interface GroupSummary {
  readonly groupId: string;
  readonly protocol: GroupProtocol;
  readonly state: GroupState;
  readonly memberCount: number;
  /** Total lag, or null when unknown. */
  readonly totalLag: number | null;
  readonly lagStatus: GroupLagStatus | null;
}

export interface SourceChange {
  /** Groups whose snapshot changed (empty when only the source status changed). */
  readonly groupIds: readonly string[];
  /** True when groups were added or removed. */
  readonly groupsListChanged: boolean;
  /** True when the source status (state, detail, clock) changed. */
  readonly statusChanged: boolean;
  /** Events that happened since the previous change, in order. */
  readonly events: readonly GroupEvent[];
}

export interface GroupSource {
  readonly id: string;
  readonly kind: SourceKind;
  readonly label: string;
  status(): SourceStatus;
  groups(): readonly GroupSummary[];
  /** The latest snapshot of a group, or undefined when the source has none. */
  snapshot(groupId: string): GroupSnapshot | undefined;
  /** Past snapshots, oldest first, bounded by the source's retention (the latest is included). */
  history(groupId: string): readonly GroupSnapshot[];
  /** The group's event timeline, oldest first, bounded like history. */
  events(groupId: string): readonly GroupEvent[];
  /**
   * Declares interest in a group. Sources that poll (clusters) only poll watched groups and stop
   * when the last watcher unsubscribes.
   */
  watch(groupId: string): Unsubscribe;
  onDidChange(listener: Listener<SourceChange>): Unsubscribe;
  dispose(): void;
}
