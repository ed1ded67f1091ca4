import type { GroupProtocol } from './snapshot';

/**
 * What a user can ask the simulator to do, as plain data. The dashboard, the command palette and
 * the CLI all send these; the simulator source executes them (see `SimulatorControls` in
 * src/sources/controls.ts). Adding a command is adding a union member here.
 */
export type SimulatorCommand =
  | { readonly kind: 'play' }
  | { readonly kind: 'pause' }
  /** Advance the virtual clock to the next thing that happens (a timer, a heartbeat, a scenario step). */
  | { readonly kind: 'step' }
  /** Virtual milliseconds per real millisecond, 1 to 1000. */
  | { readonly kind: 'set-speed'; readonly speed: number }
  | { readonly kind: 'choose-scenario'; readonly scenarioId: string }
  /** Start a new simulated consumer in the group. A null assignor means the protocol's default. */
  | {
      readonly kind: 'add-member';
      readonly groupId: string;
      readonly protocol: GroupProtocol;
      readonly assignor: string | null;
      readonly instanceId: string | null;
    }
  /** The member's process dies: no LeaveGroup, the coordinator notices by session timeout. */
  | { readonly kind: 'crash-member'; readonly groupId: string; readonly memberId: string }
  /** The member's poll loop takes `delayMs` longer per batch (0 restores normal speed). */
  | {
      readonly kind: 'slow-member';
      readonly groupId: string;
      readonly memberId: string;
      readonly delayMs: number;
    }
  /** Stop and start a static member (it keeps its group.instance.id). */
  | { readonly kind: 'restart-static-member'; readonly groupId: string; readonly memberId: string }
  /** Add `count` partitions to a topic (like kafka-topics --alter --partitions current+count). */
  | { readonly kind: 'add-partitions'; readonly topic: string; readonly count: number }
  | {
      readonly kind: 'change-subscription';
      readonly groupId: string;
      readonly memberId: string;
      readonly topics: readonly string[];
    }
  /**
   * Rerun the scenario from the start with every member under another protocol variant, to compare
   * how the same events play out (mixed-protocol groups — online migration — are not simulated).
   */
  | { readonly kind: 'switch-protocol'; readonly variant: SimulatorVariant };

/** The protocol variants every scenario can run under. */
export type SimulatorVariant = 'consumer' | 'eager' | 'cooperative';
export const SIMULATOR_VARIANTS: readonly SimulatorVariant[] = ['consumer', 'eager', 'cooperative'];

export type SimulatorCommandKind = SimulatorCommand['kind'];

export const SIMULATOR_COMMAND_KINDS: readonly SimulatorCommandKind[] = [
  'play',
  'pause',
  'step',
  'set-speed',
  'choose-scenario',
  'add-member',
  'crash-member',
  'slow-member',
  'restart-static-member',
  'add-partitions',
  'change-subscription',
  'switch-protocol',
];

export const MIN_SIMULATOR_SPEED = 1;
export const MAX_SIMULATOR_SPEED = 1000;

export interface ScenarioInfo {
  readonly id: string;
  readonly title: string;
  readonly description: string;
}

/** What the simulator's control bar shows. */
export interface SimulatorControlState {
  readonly running: boolean;
  readonly speed: number;
  /** Virtual time in ms. */
  readonly clockMs: number;
  readonly scenarioId: string | null;
  readonly scenarios: readonly ScenarioInfo[];
  /** The protocol variant the scenario runs under. */
  readonly variant: SimulatorVariant;
  /** Assignors a new member may choose, per protocol (server assignors for `consumer`). */
  readonly assignors: Readonly<Record<GroupProtocol, readonly string[]>>;
  /** Every topic in the simulated cluster (a member may subscribe to topics the group does not use yet). */
  readonly topics: readonly string[];
}
