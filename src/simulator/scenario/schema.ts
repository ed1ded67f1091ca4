/**
 * The scenario model, after validation (see `parse.ts` for the file format and docs/scenarios.md
 * for the user documentation). Everything here is resolved: durations in ms, member configs
 * complete with the Java client's defaults.
 */
import type { Assignment } from '../../model';
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
  /** Each partition's log-end offset when the topic comes into being (by partition; absent: 0). */
  readonly logEndOffsets?: readonly number[];
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

/** One member of a group's initial state (see ScenarioInitialState). */
export interface ScenarioInitialMember {
  /** The scenario member (its `name`). */
  readonly member: string;
  readonly memberId: string;
  /** Consumer protocol: the member epoch. Classic: the generation. */
  readonly memberEpoch: number;
  /** Consumer protocol: the previous member epoch, when known. */
  readonly previousMemberEpoch: number | null;
  /** Partitions the coordinator has assigned to the member (consumer: without pending revocation). */
  readonly assigned: Assignment;
  /** Consumer protocol: partitions the member still has to revoke. */
  readonly pendingRevocation: Assignment;
  /** Consumer protocol: the member's target assignment. */
  readonly target: Assignment;
}

/**
 * The group as it stands when the scenario starts: the coordinator holds this state (as Kafka
 * would after loading it from `__consumer_offsets`) and its members start as members of it,
 * instead of joining and forming the group. Members of the group not listed here join as usual.
 */
export type ScenarioInitialState =
  | {
      readonly protocol: 'consumer';
      readonly groupEpoch: number;
      readonly assignmentEpoch: number;
      readonly members: readonly ScenarioInitialMember[];
    }
  | {
      readonly protocol: 'classic';
      readonly generation: number;
      /** The selected assignor, e.g. "range" or "cooperative-sticky". */
      readonly protocolName: string;
      /** The leader (a scenario member name). */
      readonly leader: string;
      readonly members: readonly ScenarioInitialMember[];
    };

export interface ScenarioGroup {
  readonly id: string;
  readonly members: readonly ScenarioMember[];
  /** Where the group starts; absent: it starts empty and its members join. */
  readonly initialState?: ScenarioInitialState;
  /**
   * The group's committed offsets when the run starts: topic → offset by partition (null: no
   * commit). Members that start on a partition resume from here, and lag counts from here.
   */
  readonly committedOffsets?: ReadonlyMap<string, readonly (number | null)[]>;
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
