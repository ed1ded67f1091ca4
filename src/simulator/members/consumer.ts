import type { Assignment, ClientDetails } from '../../model';
import type { ConsumerConfig, MemberBehaviour } from './config';

/**
 * One simulated Kafka consumer (a KafkaConsumer instance inside an application). The engine
 * creates it, starts it, and applies scenario actions to it; the protocol-specific implementation
 * (KIP-848 or classic) talks to the coordinator through the world's network.
 */
export interface SimulatedConsumer {
  /** The scenario's name for this consumer (stable across restarts), e.g. "consumer-3". */
  readonly name: string;
  readonly config: ConsumerConfig;
  readonly behaviour: MemberBehaviour;
  /** The member id it currently uses, or null before it has one. */
  memberId(): string | null;
  /** True until it crashed or was closed. */
  readonly alive: boolean;
  /** subscribe() and start polling: joins the group. */
  start(): void;
  /** The process dies: no more heartbeats, polls, commits or leave. */
  crash(): void;
  /** consumer.close(): leaves the group the way the Java client does. */
  close(): void;
  /**
   * Calls `listener` once, when the consumer stops: at a crash, or when close() has finished
   * (which takes the current batch, the revocation callback, a commit and the leave). At once if
   * it has already stopped.
   */
  onStop(listener: () => void): void;
  /** consumer.subscribe(topics) with a new list. */
  subscribe(topics: readonly string[]): void;
  /** Changes how the application behaves from now on (e.g. slow processing, slow callbacks). */
  setBehaviour(patch: Partial<MemberBehaviour>): void;
  /** Partitions the application currently owns. */
  owned(): Assignment;
  /** The client's own view, for snapshots. */
  details(): ClientDetails;
}

/**
 * How a consumer starts when the simulation begins from a described group: it is already a
 * member (the application has been running), with the member id, epoch or generation and the
 * partitions the coordinator's state gives it, and carries on heartbeating instead of joining.
 * Only a member's first start uses it; a restart is a new KafkaConsumer that joins.
 */
export type JoinedMember =
  | {
      readonly protocol: 'consumer';
      readonly memberId: string;
      readonly memberEpoch: number;
      /** Partitions the application owns: those assigned and those still to revoke. */
      readonly owned: Assignment;
      /** The assignment the coordinator last sent it (without the partitions to revoke). */
      readonly assigned: Assignment;
    }
  | {
      readonly protocol: 'classic';
      readonly memberId: string;
      readonly generation: number;
      /** The selected assignor (protocol name). */
      readonly protocolName: string;
      readonly leader: boolean;
      /** Partitions the application owns (its assignment of this generation). */
      readonly owned: Assignment;
      /** The topics of every member's subscription (what the leader assigned over). */
      readonly groupSubscription: readonly string[];
    };
