/**
 * What the consumer-protocol coordinator does differently by Kafka release, read from the
 * group-coordinator sources of 4.0.0, 4.1.1, 4.2.0 and 4.3.1. `docs/simulator-fidelity.md`
 * ("Consumer protocol") explains each flag.
 */
import type { KafkaVersion } from '../engine/world';

export interface ConsumerProtocolFeatures {
  /** 4.3: a new group starts at group epoch 1 and assignment epoch 1 (else 0 and 0). */
  readonly initialEpoch: number;
  /** ≤4.2: the first heartbeat of a brand-new group (epoch 0) always bumps the epoch. */
  readonly bumpNewGroup: boolean;
  /** 4.1+: KIP-1101 metadata hash in ConsumerGroupMetadata instead of ConsumerGroupPartitionMetadata. */
  readonly metadataHash: boolean;
  /** 4.2+ (PR #21305): a known member may re-join with epoch 0 without being fenced. */
  readonly rejoinWithEpochZero: boolean;
  /** ≤4.1: an acknowledged revocation moves the member to epoch+1 before reconciling further. */
  readonly revocationAckBumpsEpoch: boolean;
  /**
   * 4.2+: a subscription change reconciles at once (partitions of topics no longer subscribed move
   * to pending revocation), the target of unsubscribed topics is ignored, and a partition the
   * member itself is revoking is not "unreleased".
   */
  readonly subscriptionAwareReconciliation: boolean;
  /** 4.3: the subscription-change shortcut also records the epoch (previousMemberEpoch := epoch). */
  readonly subscriptionShortcutUpdatesEpoch: boolean;
  /** 4.2+: partition-epoch bookkeeping tolerates stale owners instead of throwing. */
  readonly lenientPartitionEpochs: boolean;
  /**
   * 4.3: per-partition assignment epochs (in records, reset to 0 on a static leave) and offset
   * commits validated against them.
   */
  readonly assignmentEpochs: boolean;
  /** 4.3: `group.consumer.assignment.interval.ms` throttles target computation. */
  readonly assignmentInterval: boolean;
  /** 4.2+: switching from a regex to topic names counts as a resolved regex change (bump). */
  readonly leavingRegexBumps: boolean;
  /** 4.1+: regexes are also refreshed when the last refresh is older than the max interval. */
  readonly regexMaxRefreshInterval: boolean;
}

export function consumerProtocolFeatures(version: KafkaVersion): ConsumerProtocolFeatures {
  const v = Number(version.replace('4.', ''));
  return {
    initialEpoch: v >= 3 ? 1 : 0,
    bumpNewGroup: v <= 2,
    metadataHash: v >= 1,
    rejoinWithEpochZero: v >= 2,
    revocationAckBumpsEpoch: v <= 1,
    subscriptionAwareReconciliation: v >= 2,
    subscriptionShortcutUpdatesEpoch: v >= 3,
    lenientPartitionEpochs: v >= 2,
    assignmentEpochs: v >= 3,
    assignmentInterval: v >= 3,
    leavingRegexBumps: v >= 2,
    regexMaxRefreshInterval: v >= 1,
  };
}
