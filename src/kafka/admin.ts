/**
 * Administrative group actions, each routed to the group's coordinator with the usual retries:
 * delete groups (DeleteGroups), delete a topic's committed offsets (OffsetDelete), remove static
 * members by instance id (LeaveGroup v3+, as Kafka's removeMembersFromConsumerGroup does).
 */
import type { Deadline, KafkaClient } from './client';
import { ErrorCode, KafkaProtocolError, errorHint, errorName } from './wire/errors';
import { DeleteGroups, LeaveGroup, OffsetDelete } from './wire/messages';

/** Per group: null when deleted, or why not (e.g. NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND). */
export async function deleteGroups(
  client: KafkaClient,
  groupIds: readonly string[],
  d: Deadline,
): Promise<Map<string, KafkaProtocolError | null>> {
  const out = new Map<string, KafkaProtocolError | null>();
  await client.forEachCoordinator(groupIds, d, {
    isSettled: (g) => out.has(g),
    onLookupError: (g, e) => out.set(g, e),
    handle: async (broker, groups, retry) => {
      const { response } = await client.request(DeleteGroups, broker, () => ({ GroupsNames: groups }), d);
      for (const r of response.Results) {
        const outcome = client.coordinatorErrorOutcome(r.GroupId, r.ErrorCode, d, 'DeleteGroups', null);
        if (outcome === 'retry') retry(r.GroupId);
        else
          out.set(
            r.GroupId,
            outcome === 'ok'
              ? null
              : new KafkaProtocolError('DeleteGroups', r.ErrorCode, `group "${r.GroupId}"`),
          );
      }
    },
  });
  return out;
}

export interface PartitionOutcome {
  readonly topic: string;
  readonly partition: number;
  /** null = done. */
  readonly error: string | null;
}

/**
 * Deletes the committed offsets of `partitions` (all partitions of the topics when null) in a
 * group. The broker refuses for topics an active member is subscribed to (GROUP_SUBSCRIBED_TO_TOPIC).
 */
export async function deleteOffsets(
  client: KafkaClient,
  groupId: string,
  topics: readonly { readonly topic: string; readonly partitions: readonly number[] | null }[],
  d: Deadline,
): Promise<PartitionOutcome[]> {
  const md = await client.metadata(
    topics.map((t) => t.topic),
    d,
  );
  const request = topics.map((t) => {
    const tm = md.topics.get(t.topic);
    if (tm === undefined || tm.errorCode !== 0) {
      throw new KafkaProtocolError(
        'OffsetDelete',
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        `topic "${t.topic}"`,
      );
    }
    return {
      Name: t.topic,
      Partitions: (t.partitions ?? tm.partitions.map((p) => p.partition)).map((p) => ({ PartitionIndex: p })),
    };
  });
  let result: PartitionOutcome[] | null = null;
  await client.forEachCoordinator([groupId], d, {
    isSettled: () => result !== null,
    onLookupError: (_g, e) => {
      throw e;
    },
    handle: async (broker, _groups, retry) => {
      const { response } = await client.request(
        OffsetDelete,
        broker,
        () => ({ GroupId: groupId, Topics: request }),
        d,
      );
      const outcome = client.coordinatorErrorOutcome(groupId, response.ErrorCode, d, 'OffsetDelete', null);
      if (outcome === 'retry') return retry(groupId);
      if (outcome === 'fail')
        throw new KafkaProtocolError('OffsetDelete', response.ErrorCode, `group "${groupId}"`);
      result = response.Topics.flatMap((t) =>
        t.Partitions.map((p) => ({
          topic: t.Name,
          partition: p.PartitionIndex,
          error:
            p.ErrorCode === 0
              ? null
              : `${errorName(p.ErrorCode)}${errorHint(p.ErrorCode) ? ` — ${errorHint(p.ErrorCode)}` : ''}`,
        })),
      );
    },
  });
  return result ?? [];
}

/**
 * Removes static members by group.instance.id (they would otherwise keep their partitions until
 * their session times out). Per instance id: null when removed, or the error.
 */
export async function removeStaticMembers(
  client: KafkaClient,
  groupId: string,
  instanceIds: readonly string[],
  d: Deadline,
  reason = 'removed with kgd',
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  await client.forEachCoordinator([groupId], d, {
    isSettled: () => out.size > 0,
    onLookupError: (_g, e) => {
      throw e;
    },
    handle: async (broker, _groups, retry) => {
      const { response } = await client.request(
        LeaveGroup,
        broker,
        () => ({
          GroupId: groupId,
          MemberId: '',
          Members: instanceIds.map((id) => ({ MemberId: '', GroupInstanceId: id, Reason: reason })),
        }),
        d,
      );
      const outcome = client.coordinatorErrorOutcome(groupId, response.ErrorCode, d, 'LeaveGroup', null);
      if (outcome === 'retry') return retry(groupId);
      if (outcome === 'fail') {
        const name = errorName(response.ErrorCode);
        for (const id of instanceIds) {
          out.set(
            id,
            response.ErrorCode === ErrorCode.UNKNOWN_MEMBER_ID ? `${name} (no such group or member)` : name,
          );
        }
        return;
      }
      for (const m of response.Members) {
        const id = m.GroupInstanceId ?? '';
        out.set(
          id,
          m.ErrorCode === 0
            ? null
            : m.ErrorCode === ErrorCode.UNKNOWN_MEMBER_ID
              ? `no static member "${id}" in the group`
              : errorName(m.ErrorCode),
        );
      }
    },
  });
  return out;
}
