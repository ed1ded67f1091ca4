/**
 * The scenario model, after validation (see `parse.ts` for the file format and docs/scenarios.md
 * for the user documentation). Everything here is resolved: durations in ms, member configs
 * complete with the Java client's defaults.
 */
import type { BrokerConfig, KafkaVersion } from '../engine/world';
import type { ConsumerConfig, MemberBehaviour } from '../members/config';

/** The three protocol variants every scenario can run under. */
export type ProtocolVariant = 'consumer' | 'eager' | 'cooperative';
export const PROTOCOL_VARIANTS: readonly ProtocolVariant[] = ['consumer', 'eager', 'cooperative'];

export interface ScenarioTopic {
  readonly name: string;
  readonly partitions: number;
  /** Records per second produced to the topic (spread over its partitions). */
  readonly produceRate: number;
}

export interface ScenarioMember {
  /** Unique across the scenario; actions refer to members by it. */
  readonly name: string;
  readonly groupId: string;
  readonly startAtMs: number;
  readonly config: ConsumerConfig;
  readonly behaviour: MemberBehaviour;
  /** Which protocol settings the file set explicitly (a variant override keeps compatible ones). */
  readonly explicit: { readonly groupProtocol: boolean; readonly assignor: boolean };
}

export interface ScenarioGroup {
  readonly id: string;
  readonly members: readonly ScenarioMember[];
}

export type ScenarioAction =
  | { readonly do: 'add-member'; readonly member: ScenarioMember }
  | { readonly do: 'crash'; readonly member: string }
  | { readonly do: 'shutdown'; readonly member: string }
  | { readonly do: 'start'; readonly member: string }
  | { readonly do: 'restart'; readonly member: string; readonly downForMs: number; readonly crash: boolean }
  | { readonly do: 'network-partition'; readonly member: string; readonly forMs: number }
  | {
      readonly do: 'set-behaviour';
      readonly member: string;
      readonly behaviour: Partial<MemberBehaviour>;
      readonly forMs: number | null;
    }
  | { readonly do: 'subscribe'; readonly member: string; readonly topics: readonly string[] }
  | { readonly do: 'add-partitions'; readonly topic: string; readonly partitions: number }
  | { readonly do: 'create-topic'; readonly topic: ScenarioTopic }
  | { readonly do: 'delete-topic'; readonly topic: string }
  | { readonly do: 'set-produce-rate'; readonly topic: string; readonly rate: number };

export type ScenarioStep = ScenarioAction & {
  readonly atMs: number;
  /** Where the step came from, for messages: e.g. `timeline[3]`. */
  readonly path: string;
};

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly durationMs: number;
  readonly kafkaVersion: KafkaVersion;
  readonly broker: BrokerConfig;
  readonly topics: readonly ScenarioTopic[];
  readonly groups: readonly ScenarioGroup[];
  /** Sorted by time; steps at the same time keep file order. */
  readonly timeline: readonly ScenarioStep[];
}
