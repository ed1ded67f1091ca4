import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  type SinceEntry,
  advanceSince,
  describeEvent,
  describeReconciliation,
  formatDuration,
  formatPartitionList,
  assignmentOf,
  stepSince,
} from '../../../src/model';
import { classicCooperativeRebalance, kip848Reconciliation } from '../../webview/fixtures';
import { snapshotArb } from '../protocol/arbitraries';
import { testMember, testSnapshot } from '../../support/snapshots';

describe('reconciliation in plain words', () => {
  const t = kip848Reconciliation();

  it('KIP-848: says who waits for whom to revoke what, and for how long', () => {
    const at = 3; // t = 19 s: consumer-2 has held orders-5 since t = 1 s
    const step = describeReconciliation(t.snapshots[at], stepSince(t.snapshots, at));
    const byLabel = new Map(step.members.map((m) => [m.label, m]));
    assert.equal(
      byLabel.get('consumer-3')?.sentence,
      'epoch 4 waits for consumer-2 to revoke orders-5 (18 s so far)',
    );
    assert.equal(
      byLabel.get('consumer-2')?.sentence,
      'epoch 3 waits for consumer-2 to revoke orders-5 before it moves towards epoch 4 (18 s so far)',
    );
    assert.equal(byLabel.get('consumer-1')?.sentence, 'reconciled at epoch 4, owns 3 partitions');
    assert.deepEqual(
      byLabel.get('consumer-3')?.holders.map((h) => [h.label, h.partitions]),
      [['consumer-2', { orders: [5] }]],
    );
    assert.deepEqual(byLabel.get('consumer-3')?.kept, { orders: [2], payments: [1] });
    assert.deepEqual(byLabel.get('consumer-3')?.awaiting, { orders: [5] });
    assert.deepEqual(byLabel.get('consumer-2')?.revoking, { orders: [5] });
    assert.equal(step.reconciledMembers, 1);
    assert.equal(
      step.sentence,
      'epoch 4 reconciling: 1 of 3 members done; waits for consumer-2 to revoke orders-5 (18 s so far)',
    );
  });

  it('KIP-848: a member behind a new target waits from when the target came, not from its own epoch', () => {
    const member = (epoch: number) =>
      testMember('m1', {
        memberEpoch: epoch,
        assignment: { orders: [0, 1] },
        targetAssignment: { orders: [0, 1] },
      });
    const at = (timeMs: number, groupEpoch: number, memberEpoch: number) =>
      testSnapshot(timeMs, [member(memberEpoch)], {
        state: groupEpoch > memberEpoch ? 'Reconciling' : 'Stable',
        groupEpoch,
        targetAssignmentEpoch: groupEpoch,
      });
    const history = [at(0, 8, 8), at(100_000, 8, 8), at(110_000, 9, 8), at(110_400, 9, 8)];
    const step = describeReconciliation(history[3], stepSince(history, 3));
    assert.equal(
      step.members[0]?.sentence,
      'epoch 8 → 9: gets its new assignment on its next heartbeat (400 ms so far)',
    );
    let since = new Map<string, SinceEntry>();
    for (const s of history) since = advanceSince(since, s);
    assert.equal(since.get('m1')?.sinceMs, 110_000, 'the incremental form agrees');
  });

  it('KIP-848: a settled group says so', () => {
    const step = describeReconciliation(t.snapshots[4]);
    assert.equal(step.sentence, 'stable at epoch 4: all 3 members reconciled');
    assert.ok(step.members.every((m) => m.reconciled && m.sinceMs === null));
  });

  it('classic: JoinGroup phase names who has not re-joined; SyncGroup phase names the leader', () => {
    const c = classicCooperativeRebalance();
    const join = describeReconciliation(c.snapshots[1], stepSince(c.snapshots, 1));
    assert.equal(join.sentence, 'JoinGroup phase for generation 6: waiting for consumer-b');
    const b = join.members.find((m) => m.label === 'consumer-b');
    assert.equal(b?.state, 'REJOINING');
    assert.equal(
      b?.sentence,
      'generation 6 waits for consumer-b to send JoinGroup; it keeps 1 partition while re-joining (cooperative) (0 ms so far)',
    );
    const sync = describeReconciliation(c.snapshots[2]);
    assert.equal(
      sync.sentence,
      'SyncGroup phase of generation 6: waiting for leader consumer-a to hand out the assignment',
    );
    assert.equal(sync.members.find((m) => m.label === 'consumer-c')?.state, 'AWAITING_SYNC');
    assert.equal(sync.members.find((m) => m.label === 'consumer-a')?.state, 'ASSIGNING');
    const revoking = describeReconciliation(c.snapshots[3]);
    const a = revoking.members.find((m) => m.label === 'consumer-a');
    assert.equal(a?.state, 'REVOKING');
    assert.deepEqual(a?.revoking, { invoices: [2] });
  });

  it('advanceSince folded over a history agrees with stepSince at every point', () => {
    fc.assert(
      fc.property(fc.array(snapshotArb, { minLength: 1, maxLength: 8 }), (raw) => {
        let time = 0;
        const history = raw.map((s) => ({ ...s, timeMs: (time += 1 + (s.timeMs % 1000)) }));
        let since = new Map<string, SinceEntry>();
        history.forEach((s, i) => {
          since = advanceSince(since, s);
          const walked = stepSince(history, i);
          assert.deepEqual(new Map([...since].map(([k, v]) => [k, v.sinceMs])), walked);
        });
      }),
    );
  });

  it('words: durations, partition lists and events', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(1500), '1.5 s');
    assert.equal(formatDuration(18_000), '18 s');
    assert.equal(formatDuration(125_000), '2 min 5 s');
    assert.equal(formatDuration(3_780_000), '1 h 3 min');
    assert.equal(formatPartitionList(assignmentOf({ orders: [4] })), 'orders-4');
    assert.equal(formatPartitionList(assignmentOf({ orders: [4, 5] })), 'orders-4 and orders-5');
    assert.equal(formatPartitionList(assignmentOf({ a: [1, 2, 3, 4, 5] })), 'a-1, a-2, a-3 and 2 more');
    const label = (id: string): string => (id === 'm2' ? 'consumer-2' : id);
    assert.equal(
      describeEvent(
        {
          type: 'member-left',
          groupId: 'g',
          timeMs: 0,
          memberId: 'm2',
          instanceId: null,
          reason: 'rebalance-timeout',
        },
        label,
      ),
      'consumer-2 left: rebalance timeout expired',
    );
    assert.equal(
      describeEvent(
        { type: 'client-timeout', groupId: 'g', timeMs: 0, memberId: 'm2', timeout: 'max.poll.interval.ms' },
        label,
      ),
      'consumer-2: max.poll.interval.ms expired',
    );
  });
});
