/**
 * Bytes captured from a real Apache Kafka 4.3.1 broker (scripts/kafka/capture-fixtures.mjs):
 * our codec must read them, write them back byte for byte, and — replayed through the whole
 * describe pipeline — give what Kafka's own kafka-consumer-groups printed at the same moment.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeGroupSnapshots, listGroups, type GroupDescription } from '../../../src/kafka';
import {
  decodeAssignment,
  decodeSubscription,
  encodeSubscription,
} from '../../../src/kafka/wire/consumer-protocol';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../src/kafka/wire/frame';
import {
  ALL_APIS,
  ConsumerGroupDescribe,
  DeleteGroups,
  DescribeConfigs,
  DescribeGroups,
  LeaveGroup,
  OffsetCommit,
  OffsetDelete,
} from '../../../src/kafka/wire/messages';
import type { GroupSnapshot } from '../../../src/model';
import { CAPTURE_DIR, apiOf, loadCaptures, replayClient, type Capture } from '../../support/replay';
import {
  cliMemberRows,
  cliOffsetRows,
  snapshotMemberRows,
  snapshotOffsetRows,
} from '../../support/kafka-cli';

const FIXTURES = CAPTURE_DIR;

const CAPTURED_GROUPS = ['orders-848', 'orders-classic', 'payments-js', 'nocommit-848', 'no-such-group'];

async function replayedSnapshots(): Promise<Map<string, GroupDescription>> {
  const { client } = replayClient();
  return client.withDeadline('replay', (d) =>
    describeGroupSnapshots(client, CAPTURED_GROUPS, d, { sourceId: 'cluster/capture', now: () => 1 }),
  );
}

function okSnapshots(m: Map<string, GroupDescription>): GroupSnapshot[] {
  return [...m.values()].flatMap((g) => (g.ok ? [g.snapshot] : []));
}

describe('bytes captured from Apache Kafka 4.3.1', () => {
  const captures = loadCaptures();

  it('covers every API we speak', () => {
    assert.ok(captures.length >= 10);
    for (const api of ALL_APIS) {
      assert.ok(
        captures.some((c) => c.apiKey === api.apiKey),
        `no capture of ${api.name}`,
      );
    }
    assert.ok(captures.every((c) => c.kafkaVersion === '4.3.1'));
  });

  for (const c of captures) {
    it(`${c.file}: decodes and re-encodes byte for byte (request and response)`, () => {
      const api = apiOf(c.apiKey);
      const reqBytes = Buffer.from(c.request, 'hex');
      const resBytes = Buffer.from(c.response, 'hex');
      assert.ok(
        encodeRequest(api, c.version, decodeRequest(api, c.version, reqBytes) as never).equals(reqBytes),
      );
      assert.ok(
        encodeResponse(api, c.version, decodeResponse(api, c.version, resBytes) as never).equals(resBytes),
      );
    });
  }

  it('ConsumerGroupDescribe v1 carries epochs, the uniform assignor and member types', () => {
    const c = captures.find((x) => x.api === 'ConsumerGroupDescribe' && x.version === 1);
    assert.ok(c);
    const r = decodeResponse(ConsumerGroupDescribe, 1, Buffer.from(c.response, 'hex'));
    const g = r.Groups.find((x) => x.GroupId === 'orders-848');
    assert.ok(g);
    assert.equal(g.ErrorCode, 0);
    assert.equal(g.GroupState, 'Stable');
    assert.equal(g.AssignorName, 'uniform');
    assert.ok(g.GroupEpoch >= 1 && g.AssignmentEpoch === g.GroupEpoch);
    assert.equal(g.Members.length, 2);
    assert.ok(
      g.Members.every((m) => m.MemberType === 1),
      'both are consumer-protocol members',
    );
    const statik = g.Members.find((m) => m.InstanceId === 'static-2');
    assert.ok(statik);
    assert.equal(statik.RackId, 'rack-b');
    assert.deepEqual(statik.SubscribedTopicNames, ['orders']);
    const notFound = r.Groups.find((x) => x.GroupId === 'orders-classic');
    assert.equal(notFound?.ErrorCode, 69, 'a classic group is GROUP_ID_NOT_FOUND for ConsumerGroupDescribe');
    const v0 = captures.find((x) => x.api === 'ConsumerGroupDescribe' && x.version === 0);
    assert.ok(v0);
    const r0 = decodeResponse(ConsumerGroupDescribe, 0, Buffer.from(v0.response, 'hex'));
    assert.ok(
      r0.Groups[0].Members.every((m) => m.MemberType === -1),
      'v0 has no member type',
    );
  });

  it('decodes the classic consumer protocol: subscription v3 (owned partitions, generation, rack) and assignment', () => {
    const c = captures.find((x) => x.api === 'DescribeGroups' && x.version === 6);
    assert.ok(c);
    const r = decodeResponse(DescribeGroups, 6, Buffer.from(c.response, 'hex'));
    const java = r.Groups.find((g) => g.GroupId === 'orders-classic');
    assert.ok(java);
    assert.equal(java.ProtocolType, 'consumer');
    assert.equal(java.ProtocolData, 'cooperative-sticky');
    assert.equal(java.Members.length, 2);
    for (const m of java.Members) {
      const sub = decodeSubscription(m.MemberMetadata);
      const asg = decodeAssignment(m.MemberAssignment);
      assert.equal(sub.version, 3);
      assert.deepEqual(sub.Topics, ['orders']);
      assert.equal(sub.RackId, 'rack-a');
      assert.equal(asg.AssignedPartitions.length, 1);
      assert.equal(asg.AssignedPartitions[0].Partitions.length, 2);
      if (m.ClientId === 'cc1') {
        // cc1 re-joined after cc2 came: cooperative members report what they own and their generation.
        assert.ok(sub.GenerationId >= 1, `generation ${sub.GenerationId}`);
        assert.deepEqual(
          sub.OwnedPartitions,
          asg.AssignedPartitions.map((t) => ({ Topic: t.Topic, Partitions: t.Partitions })),
        );
      }
    }
    const sub = decodeSubscription(java.Members[0].MemberMetadata);
    // Re-encoding the decoded subscription gives the member's bytes back.
    const { version, ...body } = sub;
    assert.ok(encodeSubscription(version, body).equals(Buffer.from(java.Members[0].MemberMetadata)));
    const empty = r.Groups.find((g) => g.GroupId === 'payments-js');
    assert.equal(empty?.GroupState, 'Empty');
    assert.equal(empty?.Members.length, 0);
    const missing = r.Groups.find((g) => g.GroupId === 'no-such-group');
    assert.equal(missing?.ErrorCode, 69);
    assert.equal(missing?.GroupState, 'Dead');
  });

  it('replayed through describe, gives the members kafka-consumer-groups --describe --members --verbose printed', async () => {
    const described = await replayedSnapshots();
    const cli = cliMemberRows(readFileSync(join(FIXTURES, 'cli/members-verbose.txt'), 'utf8'));
    assert.ok(cli.length >= 4, 'the captured CLI output has member rows');
    assert.deepEqual(snapshotMemberRows(okSnapshots(described)), cli);
    const missing = described.get('no-such-group');
    assert.ok(missing !== undefined && !missing.ok && missing.notFound);
  });

  it('replayed through describe, gives the offsets and lag kafka-consumer-groups --describe printed', async () => {
    const described = await replayedSnapshots();
    const cli = cliOffsetRows(readFileSync(join(FIXTURES, 'cli/offsets.txt'), 'utf8'));
    assert.deepEqual(snapshotOffsetRows(okSnapshots(described)), cli);
    // And the cases that matter: lag > 0, "no commit" as null (never 0), committed below log start.
    const classic = described.get('orders-classic');
    assert.ok(classic?.ok);
    assert.equal(classic.snapshot.lag?.totalLag, 8);
    const nocommit = described.get('nocommit-848');
    assert.ok(nocommit?.ok);
    assert.equal(nocommit.snapshot.lag?.partitionsWithoutCommit, 3);
    assert.ok(nocommit.snapshot.lag?.partitions.every((p) => p.committedOffset === null && p.lag === null));
    const js = described.get('payments-js');
    assert.ok(js?.ok);
    const p0 = js.snapshot.lag?.partitions.find((p) => p.partition === 0);
    assert.deepEqual(
      {
        committed: p0?.committedOffset,
        start: p0?.logStartOffset,
        end: p0?.logEndOffset,
        below: p0?.belowLogStart,
      },
      { committed: 3, start: 5, end: 6, below: true },
    );
  });

  it('builds full snapshots: epochs, assignor, inferred reconciliation, topics with ids', async () => {
    const described = await replayedSnapshots();
    const g = described.get('orders-848');
    assert.ok(g?.ok);
    const s = g.snapshot;
    assert.equal(s.protocol, 'consumer');
    assert.equal(s.state, 'Stable');
    assert.equal(s.assignor, 'uniform');
    assert.equal(s.groupEpoch, s.targetAssignmentEpoch);
    assert.deepEqual(
      s.members.map((m) => m.reconciliation),
      ['STABLE', 'STABLE'],
    );
    assert.deepEqual(
      s.topics.map((t) => [t.name, t.partitions, t.topicId.length]),
      [
        ['orders', 4, 22],
        ['payments', 3, 22],
      ],
    );
    const classic = described.get('orders-classic');
    assert.ok(classic?.ok);
    assert.equal(classic.snapshot.rebalanceProtocol, 'cooperative');
    const cc1 = classic.snapshot.members.find((m) => m.clientId === 'cc1');
    assert.ok(cc1?.classic);
    assert.deepEqual(cc1.classic.ownedPartitions, cc1.assignment);
    assert.ok((cc1.classic.reportedGeneration ?? 0) >= 1);
    assert.equal(cc1.rackId, 'rack-a');
  });

  it('actions: admin commit, offset delete, static member removal, group deletion, broker configs', () => {
    const one = (api: string): Capture => {
      const c = captures.find((x) => x.api === api);
      assert.ok(c, `no ${api} capture`);
      return c;
    };
    const commit = one('OffsetCommit');
    const commitReq = decodeRequest(OffsetCommit, commit.version, Buffer.from(commit.request, 'hex'));
    assert.equal(commitReq.GenerationIdOrMemberEpoch, -1, 'an admin commit has no generation');
    assert.equal(commitReq.MemberId, '');
    assert.deepEqual(
      commitReq.Topics[0].Partitions.map((p) => [p.PartitionIndex, p.CommittedOffset]),
      [[1, 1]],
    );
    const commitRes = decodeResponse(OffsetCommit, commit.version, Buffer.from(commit.response, 'hex'));
    assert.equal(commitRes.Topics[0].Partitions[0].ErrorCode, 0);

    const del = one('OffsetDelete');
    assert.deepEqual(
      decodeResponse(OffsetDelete, del.version, Buffer.from(del.response, 'hex')).Topics.map((t) => [
        t.Name,
        t.Partitions[0].ErrorCode,
      ]),
      [['payments', 0]],
    );

    const leave = one('LeaveGroup');
    const members = decodeResponse(LeaveGroup, leave.version, Buffer.from(leave.response, 'hex')).Members;
    assert.deepEqual(
      members.map((m) => [m.GroupInstanceId, m.ErrorCode]),
      [
        ['static-2', 0],
        ['no-such-instance', 25],
      ],
      'a known static member is removed; an unknown one is UNKNOWN_MEMBER_ID',
    );

    const groups = one('DeleteGroups');
    assert.deepEqual(
      decodeResponse(DeleteGroups, groups.version, Buffer.from(groups.response, 'hex'))
        .Results.map((r) => [r.GroupId, r.ErrorCode])
        .sort(),
      [
        ['orders-classic', 68],
        ['payments-js', 0],
      ],
      'an Empty group is deleted; one with members is NON_EMPTY_GROUP',
    );

    const configs = one('DescribeConfigs');
    const cfg = decodeResponse(DescribeConfigs, configs.version, Buffer.from(configs.response, 'hex'))
      .Results[0];
    const value = (n: string): string | null | undefined => cfg.Configs.find((c) => c.Name === n)?.Value;
    assert.match(value('listeners') ?? '', /^PLAINTEXT:\/\/127\.0\.0\.1:\d+,CONTROLLER:/);
    assert.match(value('advertised.listeners') ?? '', /MISADVERTISED:\/\/kafka-0\.kgd-test\.invalid:\d+/);
  });

  it('lists groups with their types as kafka-consumer-groups --list --type did', async () => {
    const { client } = replayClient();
    const listed = await client.withDeadline('list', (d) => listGroups(client, d));
    const cli = readFileSync(join(FIXTURES, 'cli/list-type.txt'), 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '')
      .map((l) => l.trim().split(/\s+/))
      .map(([g, t]) => [g, t.toLowerCase()])
      .sort();
    assert.deepEqual(
      listed.groups.map((g) => [g.groupId, g.type]),
      cli,
    );
  });
});
