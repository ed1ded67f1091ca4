/**
 * How Kafka's coordinator arranges the inputs of a server-side assignor, for callers that want
 * `exact` results for a group they describe by topic names and join order (the KIP-848
 * coordinator model, `kgd assign`).
 */
import { JAVA_STRING } from '../../java/keys';
import { javaHashOrder } from '../../java/order';
import { TimelineHashOrder } from '../../java/timeline';
import type { SubscriptionType, TopicId } from '../api';

/**
 * The order in which TargetAssignmentBuilder inserts members into its HashMap: the iteration
 * order of `ConsumerGroup.members`, a TimelineHashMap filled as members joined (and emptied as
 * they left). Pass the member ids in join order; departed members are simply left out.
 */
export function coordinatorMemberOrder(memberIdsInJoinOrder: readonly string[]): string[] {
  const members = new TimelineHashOrder(JAVA_STRING);
  for (const id of memberIdsInJoinOrder) members.add(id);
  return members.keys();
}

/**
 * A member's `subscribedTopicIds` in Kafka's iteration order: the member keeps its topic names in
 * a `new HashSet<>(names)`, and TopicIds resolves them to ids while iterating, skipping names
 * the metadata does not know.
 */
export function kafkaSubscribedTopicIds(
  topicNames: readonly string[],
  idOf: (name: string) => TopicId | undefined,
): TopicId[] {
  const names = [...new Set(topicNames)];
  const out: TopicId[] = [];
  for (const name of javaHashOrder(JAVA_STRING, names, 'copy')) {
    const id = idOf(name);
    if (id !== undefined) out.push(id);
  }
  return out;
}

/**
 * `ModernGroup.subscriptionType`: HOMOGENEOUS when every subscribed topic name is subscribed by
 * every member (or nobody subscribes to anything), else HETEROGENEOUS.
 */
export function kafkaSubscriptionType(subscriptions: readonly (readonly string[])[]): SubscriptionType {
  const counts = new Map<string, number>();
  for (const names of subscriptions) for (const n of new Set(names)) counts.set(n, (counts.get(n) ?? 0) + 1);
  for (const c of counts.values()) if (c !== subscriptions.length) return 'HETEROGENEOUS';
  return 'HOMOGENEOUS';
}
