import { strict as assert } from 'node:assert';
import { diagnose, type Finding } from '../../../src/diagnostics/rules';
import type { GroupEvent } from '../../../src/model';
import { member, snapshot } from '../../support/fixtures';

const G = 'orders-app';

function rules(fs: Finding[]): string[] {
  return fs.map((f) => f.rule);
}

describe('diagnostics rules', () => {
  it('explains a max.poll.interval.ms breach with its evidence', () => {
    const events: GroupEvent[] = [
      {
        type: 'client-timeout',
        timeMs: 360_000,
        groupId: G,
        memberId: 'm2',
        timeout: 'max.poll.interval.ms',
      },
      {
        type: 'member-left',
        timeMs: 360_002,
        groupId: G,
        memberId: 'm2',
        instanceId: null,
        reason: 'leave-group',
      },
    ];
    const s = snapshot(
      [
        member({
          memberId: 'm1',
          assignment: { orders: [0, 1, 2, 3] },
          targetAssignment: { orders: [0, 1, 2, 3] },
        }),
      ],
      { timeMs: 361_000 },
    );
    const f = diagnose({
      snapshot: s,
      events,
      nowMs: 361_000,
      label: (id: string) => (id === 'm2' ? 'consumer-2' : id),
    });
    const hit = f.find((x) => x.rule === 'poll-interval-exceeded');
    assert.ok(hit, JSON.stringify(f));
    assert.equal(hit.title, 'consumer-2 left: max.poll.interval.ms exceeded');
    assert.equal(hit.evidence.length, 2);
    assert.match(hit.evidence[1]?.text ?? '', /06:00\.002 consumer-2 left: sent LeaveGroup/);
  });

  it('says when a static member restarted without a rebalance', () => {
    const events: GroupEvent[] = [
      {
        type: 'static-member-replaced',
        timeMs: 5_000,
        groupId: G,
        instanceId: 'app-2',
        oldMemberId: 'a',
        newMemberId: 'b',
        rebalance: false,
      },
    ];
    const f = diagnose({ snapshot: snapshot([]), events, nowMs: 6_000 });
    assert.equal(f[0]?.title, 'static member app-2 restarted within session.timeout.ms, no rebalance');
  });

  it('names who a KIP-848 epoch waits on, which partitions, and for how long', () => {
    const holder = member({
      memberId: 'm3',
      clientId: 'consumer-3',
      memberEpoch: 11,
      reconciliation: 'UNREVOKED_PARTITIONS',
      assignment: { orders: [0] },
      pendingRevocation: { orders: [4] },
      targetAssignment: { orders: [0] },
    });
    const waiter = member({
      memberId: 'm5',
      clientId: 'consumer-5',
      memberEpoch: 12,
      reconciliation: 'UNRELEASED_PARTITIONS',
      assignment: {},
      targetAssignment: { orders: [4] },
    });
    const s = snapshot([holder, waiter], {
      state: 'Reconciling',
      groupEpoch: 12,
      targetAssignmentEpoch: 12,
      topics: [{ name: 'orders', topicId: 'T', partitions: 5 }],
    });
    const events: GroupEvent[] = [
      {
        type: 'member-epoch',
        timeMs: 42_000,
        groupId: G,
        memberId: 'm3',
        from: 11,
        to: 11,
        state: 'UNREVOKED_PARTITIONS',
      },
    ];
    const f = diagnose({ snapshot: s, events, nowMs: 60_000 });
    const hit = f.find((x) => x.rule === 'waiting-on-revocation');
    assert.ok(hit);
    assert.equal(hit.title, 'epoch 12 waits for consumer-3 to revoke orders:4 (18 s so far)');
    assert.equal(hit.severity, 'info');
    assert.ok(hit.evidence.some((e) => e.text.startsWith('consumer-5: epoch 12')));
    const later = diagnose({ snapshot: s, events, nowMs: 80_000 }).find(
      (x) => x.rule === 'waiting-on-revocation',
    );
    assert.equal(later?.severity, 'warning');
  });

  it('detects a rebalance storm and the flapping member behind it', () => {
    const events: GroupEvent[] = [];
    for (let i = 0; i < 6; i++) {
      events.push({
        type: 'member-joined',
        timeMs: i * 20_000,
        groupId: G,
        memberId: `x${i}`,
        instanceId: null,
        clientId: 'consumer-4',
        memberType: 'consumer',
      });
      events.push({
        type: 'group-epoch-bumped',
        timeMs: i * 20_000 + 1,
        groupId: G,
        from: i,
        to: i + 1,
        reason: 'consumer-4 joined',
      });
    }
    const f = diagnose({ snapshot: snapshot([]), events, nowMs: 130_000 });
    const storm = f.find((x) => x.rule === 'rebalance-storm');
    assert.ok(storm);
    assert.match(storm.title, /^6 epoch bumps in 1 min 40 s: a rebalance storm$/);
    assert.ok(storm.evidence.some((e) => e.text === 'consumer-4 joined 6 times'));
  });

  it('ignores events outside the window', () => {
    const events: GroupEvent[] = [
      {
        type: 'member-left',
        timeMs: 0,
        groupId: G,
        memberId: 'm9',
        instanceId: null,
        reason: 'session-timeout',
      },
    ];
    assert.ok(rules(diagnose({ snapshot: snapshot([]), events, nowMs: 30_000 })).includes('session-timeout'));
    assert.ok(
      !rules(diagnose({ snapshot: snapshot([]), events, nowMs: 3_600_000 })).includes('session-timeout'),
    );
  });

  it('flags unassigned partitions, idle members, eager rebalancing and stale views', () => {
    const a = member({ memberId: 'a', assignment: { orders: [0, 1] }, targetAssignment: { orders: [0, 1] } });
    const idle = member({ memberId: 'b', clientId: 'consumer-2', assignment: {}, targetAssignment: {} });
    const s = snapshot([a, idle]);
    const found = rules(diagnose({ snapshot: s, events: [], nowMs: 0 }));
    assert.ok(found.includes('unassigned-partitions'));
    assert.ok(found.includes('idle-members'));
    const classic = snapshot(
      [member({ memberId: 'a', memberType: 'classic' }), member({ memberId: 'b', memberType: 'classic' })],
      {
        protocol: 'classic',
        rebalanceProtocol: 'eager',
        assignor: 'range',
        stale: { sinceMs: 0, reason: 'the cluster stopped answering' },
      },
    );
    const cf = diagnose({ snapshot: classic, events: [], nowMs: 30_000 });
    assert.ok(rules(cf).includes('eager-rebalancing'));
    assert.equal(cf[0]?.rule, 'stale', 'warnings sort before info');
    assert.equal(cf[0]?.evidence[0]?.text, 'last observation 30 s ago');
  });

  it('reports commits below the log start as an error', () => {
    const s = snapshot([], {
      lag: {
        totalLag: 0,
        partitionsWithoutCommit: 0,
        status: 'OK',
        partitions: [
          {
            topic: 'orders',
            partition: 0,
            committedOffset: 5,
            logStartOffset: 100,
            logEndOffset: 200,
            lag: 195,
            ownerMemberId: null,
            belowLogStart: true,
            status: 'OK',
          },
        ],
      },
    });
    const f = diagnose({ snapshot: s, events: [], nowMs: 0 });
    assert.equal(f[0]?.rule, 'commit-below-log-start');
    assert.equal(f[0]?.severity, 'error');
  });
});
