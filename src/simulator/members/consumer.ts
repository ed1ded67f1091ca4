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
