import type { SimulatorCommand, SimulatorControlState } from '../model';
import type { Listener, Unsubscribe } from './emitter';

/**
 * The simulator's remote control, as the dashboard, the command palette and the CLI see it. The
 * simulator source implements it; views never reach into the simulator directly.
 *
 * Commands are plain data (`SimulatorCommand` in src/model/controls.ts), so every caller sends
 * the same thing and a new command is one union member plus one case in `execute`.
 */
export interface SimulatorControls {
  /** The control bar's state: running or paused, speed, scenario, what can be chosen. */
  controlState(): SimulatorControlState;
  /** Fires whenever `controlState()` would return something different. */
  onDidChangeControlState(listener: Listener<SimulatorControlState>): Unsubscribe;
  /**
   * Carries out a command. Resolves once the simulator has applied it (its effects show in the
   * next snapshots and events). Rejects with an Error whose message says, in plain words, why the
   * command cannot be done (e.g. "consumer-3 is not a static member: it has no group.instance.id").
   */
  execute(command: SimulatorCommand): Promise<void>;
}

/** Sources that are the simulator expose their controls through this optional member. */
export interface ControllableSource {
  readonly controls: SimulatorControls;
}

/** True when a source offers simulator controls. */
export function hasControls(source: object): source is ControllableSource {
  const c = (source as { controls?: unknown }).controls;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof (c as SimulatorControls).execute === 'function' &&
    typeof (c as SimulatorControls).controlState === 'function'
  );
}
