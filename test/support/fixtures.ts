/**
 * Small builders for snapshots and members in the diagnostics tests: `testMember`/`testSnapshot`
 * (snapshots.ts) with this suite's defaults — member m1 "consumer-1" on 10.0.0.1, group
 * orders-app of the simulator, members kept in the order given.
 */
import type { GroupSnapshot, MemberSnapshot } from '../../src/model';
import { testMember, testSnapshot } from './snapshots';

export function member(over: Partial<MemberSnapshot> = {}): MemberSnapshot {
  return testMember(over.memberId ?? 'm1', {
    clientId: 'consumer-1',
    clientHost: '/10.0.0.1',
    previousMemberEpoch: 0,
    ...over,
  });
}

export function snapshot(members: MemberSnapshot[], over: Partial<GroupSnapshot> = {}): GroupSnapshot {
  return testSnapshot(over.timeMs ?? 0, members, {
    sourceId: 'simulator',
    groupId: 'orders-app',
    topics: [{ name: 'orders', topicId: 'T', partitions: 4 }],
    ...over,
    members,
  });
}
