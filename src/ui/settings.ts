import * as vscode from 'vscode';
import type { OrderingMode } from '../simulator/assignors/api';
import { PROTOCOL_VARIANTS, type ProtocolVariant } from '../simulator/scenario/schema';

/** Typed access to the `kafkaGroups.*` settings (declared in package.json). */
export interface SimulatorSettings {
  readonly autoStart: boolean;
  readonly scenario: string;
  readonly protocol: ProtocolVariant;
  readonly speed: number;
  readonly ordering: OrderingMode;
}

export function simulatorSettings(): SimulatorSettings {
  const c = vscode.workspace.getConfiguration('kafkaGroups.simulator');
  const protocol = c.get<string>('protocol', 'consumer');
  const speed = c.get<number>('speed', 10);
  return {
    autoStart: c.get<boolean>('autoStart', false),
    scenario: c.get<string>('scenario', 'scale-out'),
    protocol: (PROTOCOL_VARIANTS as readonly string[]).includes(protocol)
      ? (protocol as ProtocolVariant)
      : 'consumer',
    speed: Number.isFinite(speed) ? Math.min(1000, Math.max(1, speed)) : 10,
    ordering: c.get<string>('ordering', 'exact') === 'canonical' ? 'canonical' : 'exact',
  };
}
