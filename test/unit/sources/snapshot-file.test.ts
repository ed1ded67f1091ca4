import { strict as assert } from 'node:assert';
import type { GroupEvent, GroupSnapshot } from '../../../src/model';
import { FileSource } from '../../../src/sources/file-source';
import {
  SnapshotFileError,
  buildSnapshotFile,
  parseSnapshotFile,
  serializeSnapshotFile,
} from '../../../src/sources/snapshot-file';

const XSS = '<img src=x onerror=alert(1)>';

function snapshot(timeMs: number, state: GroupSnapshot['state'] = 'Stable'): GroupSnapshot {
  return {
    sourceId: 'cluster/prod',
    groupId: 'orders-app',
    protocol: 'consumer',
    state,
    timeMs,
    groupEpoch: 12,
    targetAssignmentEpoch: 12,
    assignor: 'uniform',
    rebalanceProtocol: null,
    leaderId: null,
    coordinator: { nodeId: 1, host: 'broker-1', port: 9092 },
    members: [
      {
        memberId: 'Yz8c1QdkQJCkq3rvVJ7pVA',
        instanceId: null,
        clientId: XSS,
        clientHost: '/10.0.0.7',
        rackId: null,
        memberType: 'consumer',
        memberEpoch: 12,
        previousMemberEpoch: 11,
        reconciliation: 'STABLE',
        subscribedTopicNames: ['orders'],
        subscribedTopicRegex: null,
        serverAssignor: null,
        assignment: { orders: [0, 1, 2] },
        pendingRevocation: {},
        targetAssignment: { orders: [0, 1, 2] },
        classic: null,
        client: null,
      },
    ],
    topics: [{ name: 'orders', topicId: 'T1-A4s3VTwiI5CTbEp6POw', partitions: 3 }],
    lag: {
      totalLag: 42,
      partitionsWithoutCommit: 1,
      status: 'OK',
      partitions: [
        {
          topic: 'orders',
          partition: 0,
          committedOffset: null,
          logStartOffset: 0,
          logEndOffset: 10,
          lag: null,
          ownerMemberId: 'Yz8c1QdkQJCkq3rvVJ7pVA',
          belowLogStart: false,
          status: 'OK',
        },
      ],
    },
    stale: null,
  };
}

const events: GroupEvent[] = [
  { type: 'group-epoch-bumped', timeMs: 5, groupId: 'orders-app', from: 11, to: 12, reason: `${XSS} joined` },
  {
    type: 'partitions-assigned',
    timeMs: 6,
    groupId: 'orders-app',
    memberId: 'm',
    partitions: { orders: [1] },
  },
];

describe('snapshot files', () => {
  it('round-trips a group with its history and events', () => {
    const file = buildSnapshotFile(
      [{ snapshot: snapshot(20), history: [snapshot(10, 'Reconciling'), snapshot(20)], events }],
      'test',
      new Date(0),
    );
    const back = parseSnapshotFile(serializeSnapshotFile(file), 'x.json');
    assert.deepEqual(back, file);
    assert.equal(back.groups[0].snapshot.members[0].clientId, XSS, 'network strings are data, kept verbatim');
    const source = new FileSource('x.json', back);
    assert.deepEqual(
      source.groups().map((g) => [g.groupId, g.state, g.memberCount, g.totalLag]),
      [['orders-app', 'Stable', 1, 42]],
    );
    assert.equal(source.history('orders-app').length, 2);
    assert.equal(source.events('orders-app').length, 2);
  });

  it('rejects files that are not ours, newer versions, and malformed fields with their paths', () => {
    assert.throws(() => parseSnapshotFile('{"hello":1}', 'a.json'), /does not look like a file exported/);
    assert.throws(
      () => parseSnapshotFile('{"format":"kgd-snapshot","version":2,"groups":[]}', 'b.json'),
      /reads version 1 files, the file is version 2; update the extension/,
    );
    const bad = JSON.parse(
      serializeSnapshotFile(
        buildSnapshotFile([{ snapshot: snapshot(1), history: [], events }], 't', new Date(0)),
      ),
    ) as {
      groups: { snapshot: { members: { memberEpoch: unknown }[]; state: unknown } }[];
    };
    bad.groups[0].snapshot.members[0].memberEpoch = 'twelve';
    bad.groups[0].snapshot.state = 'Exploded';
    try {
      parseSnapshotFile(JSON.stringify(bad), 'c.json');
      assert.fail('expected SnapshotFileError');
    } catch (err) {
      assert.ok(err instanceof SnapshotFileError);
      assert.ok(
        err.problems.includes('groups[0].snapshot.members[0].memberEpoch: must be a whole number'),
        err.message,
      );
      assert.ok(
        err.problems.some((p) => p.startsWith('groups[0].snapshot.state: must be one of')),
        err.message,
      );
    }
    assert.throws(
      () => parseSnapshotFile('{not json', 'd.json'),
      /d\.json is not a usable snapshot file:\n {2}not valid JSON/,
    );
  });

  it('refuses oversized strings from a hostile file', () => {
    const s = snapshot(1);
    const huge = { ...s, groupId: 'x'.repeat(5000) };
    const text = serializeSnapshotFile(
      buildSnapshotFile([{ snapshot: huge, history: [], events: [] }], 't', new Date(0)),
    );
    assert.throws(() => parseSnapshotFile(text, 'e.json'), /groupId: is longer than 4096 characters/);
  });
});
