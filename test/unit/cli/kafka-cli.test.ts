import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, parseDuration } from '../../../src/cli/commands/args';
import { CLUSTER_OPTIONS, clusterConnection } from '../../../src/cli/commands/cluster-options';
import { membersTable, offsetsTable, stateTable } from '../../../src/cli/commands/kafka-tables';
import { UsageError, UserError, type CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import { cliMemberRows, cliOffsetRows, parseCliTables } from '../../support/kafka-cli';
import { testMember, testSnapshot } from '../../support/snapshots';

function io(readSecret?: (prompt: string) => Promise<string | null>): CliIo & { out: string; err: string } {
  const x = {
    out: '',
    err: '',
    stdout(t: string) {
      x.out += t;
    },
    stderr(t: string) {
      x.err += t;
    },
    readStdin: () => Promise.resolve(''),
    isTty: false,
    ...(readSecret ? { readSecret } : {}),
  };
  return x;
}

describe('kgd cluster commands (no broker)', () => {
  it('parses options strictly', () => {
    const p = parseArgs(['--group', 'a', '--group=b', '--verbose', 'x'], {
      group: { value: true, repeat: true },
      verbose: { value: false },
    });
    assert.deepEqual(p.values.get('group'), ['a', 'b']);
    assert.ok(p.flags.has('verbose'));
    assert.deepEqual(p.positional, ['x']);
    assert.throws(() => parseArgs(['--nope'], {}), UsageError);
    assert.throws(() => parseArgs(['--group'], { group: { value: true } }), /needs a value/);
    assert.throws(() => parseArgs(['--g', 'a', '--g', 'b'], { g: { value: true } }), /more than once/);
    assert.equal(parseDuration('15s', '--t'), 15000);
    assert.equal(parseDuration('250', '--t'), 250);
    assert.equal(parseDuration('2m', '--t'), 120000);
    assert.throws(() => parseDuration('soon', '--t'), UsageError);
  });

  it('takes the SASL password from the environment, else the terminal, never from a flag', async () => {
    const args = ['--bootstrap', 'k:9092', '--sasl-mechanism', 'scram-sha-256', '--sasl-user', 'u'];
    const fromEnv = await clusterConnection(parseArgs(args, CLUSTER_OPTIONS), io(), {
      KGD_SASL_PASSWORD: 'pw',
    });
    assert.equal(fromEnv.secrets.password, 'pw');
    assert.deepEqual(fromEnv.settings.sasl, { mechanism: 'SCRAM-SHA-256', username: 'u' });
    const custom = await clusterConnection(
      parseArgs([...args, '--password-env', 'MY_PW'], CLUSTER_OPTIONS),
      io(),
      { MY_PW: 'x' },
    );
    assert.equal(custom.secrets.password, 'x');
    let asked = '';
    const prompted = await clusterConnection(
      parseArgs(args, CLUSTER_OPTIONS),
      io((q) => {
        asked = q;
        return Promise.resolve('typed');
      }),
      {},
    );
    assert.equal(prompted.secrets.password, 'typed');
    assert.match(asked, /Password for SASL user u/);
    await assert.rejects(clusterConnection(parseArgs(args, CLUSTER_OPTIONS), io(), {}), (e: unknown) => {
      return e instanceof UserError && /set \$KGD_SASL_PASSWORD/.test(e.message);
    });
    assert.throws(
      () => parseArgs([...args, '--password', 'p'], CLUSTER_OPTIONS),
      /unknown option --password/,
    );
  });

  it('refuses bad connection options before any network traffic', async () => {
    const run = async (args: string[]): Promise<{ code: number; err: string }> => {
      const x = io();
      const code = await main(['groups', ...args], x);
      return { code, err: x.err };
    };
    assert.deepEqual((await run([])).code, 2);
    assert.match((await run([])).err, /--bootstrap is required/);
    assert.match((await run(['--bootstrap', 'nohostport'])).err, /is not a broker address; write host:port/);
    assert.match(
      (await run(['--bootstrap', 'a:1', '--tls-cert', 'c.pem'])).err,
      /--tls-cert and --tls-key go together/,
    );
    assert.match(
      (await run(['--bootstrap', 'a:1', '--sasl-mechanism', 'GSSAPI', '--sasl-user', 'u'])).err,
      /must be one of/,
    );
    const missing = await run(['--command-config', '/nonexistent/client.properties']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /cannot read --command-config/);
  });

  it('prints the members table in the layout of kafka-consumer-groups --members --verbose', () => {
    const s = testSnapshot(
      0,
      [
        testMember('m-1', {
          instanceId: 'static-1',
          memberEpoch: 7,
          assignment: { orders: [0, 1] },
          targetAssignment: { orders: [0] },
        }),
        testMember('m-2', { memberEpoch: 6, assignment: {}, targetAssignment: { orders: [1] } }),
      ],
      { groupEpoch: 7, targetAssignmentEpoch: 7 },
    );
    const text = membersTable(s, true);
    const [header] = text.split('\n');
    assert.match(
      header,
      /^GROUP {11}CONSUMER-ID {5}GROUP-INSTANCE-ID HOST {12}CLIENT-ID {7}#PARTITIONS {5}CURRENT-EPOCH {3}CURRENT-ASSIGNMENT {3}TARGET-EPOCH {4}TARGET-ASSIGNMENT$/,
    );
    assert.deepEqual(
      cliMemberRows(text).map((r) => [
        r.consumerId,
        r.groupInstanceId,
        r.partitions,
        r.currentEpoch,
        r.currentAssignment,
        r.targetEpoch,
        r.targetAssignment,
      ]),
      [
        ['m-1', 'static-1', 2, 7, 'orders:0,1', 7, 'orders:0'],
        ['m-2', null, 0, 6, '-', 7, 'orders:1'],
      ],
    );
    assert.ok(
      !membersTable(testSnapshot(0, [testMember('a')]), false).includes('GROUP-INSTANCE-ID'),
      'the column only when some member is static',
    );
  });

  it('renders the captured groups so that the captured Kafka output and ours parse to the same rows', () => {
    // Tables made from Kafka's own numbers (captured): our renderer must round-trip through the parser.
    const kafka = readFileSync(join(__dirname, '../../../../test/fixtures/kafka/cli/offsets.txt'), 'utf8');
    const rows = cliOffsetRows(kafka);
    assert.ok(rows.length > 5);
    const s = testSnapshot(0, [], {
      groupId: rows[0].group,
      lag: {
        totalLag: 0,
        partitionsWithoutCommit: 0,
        status: null,
        partitions: rows
          .filter((r) => r.group === rows[0].group)
          .map((r) => ({
            topic: r.topic,
            partition: r.partition,
            committedOffset: r.currentOffset,
            logStartOffset: 0,
            logEndOffset: r.logEndOffset ?? 0,
            lag: r.lag,
            ownerMemberId: null,
            belowLogStart: false,
            status: null,
          })),
      },
    });
    assert.deepEqual(
      cliOffsetRows(offsetsTable(s)).map((r) => ({ ...r, consumerId: null })),
      rows.filter((r) => r.group === rows[0].group).map((r) => ({ ...r, consumerId: null })),
    );
    const state = parseCliTables(stateTable(s, true))[0];
    assert.deepEqual(state.columns, [
      'GROUP',
      'COORDINATOR (ID)',
      'ASSIGNMENT-STRATEGY',
      'STATE',
      'GROUP-EPOCH',
      'TARGET-ASSIGNMENT-EPOCH',
      '#MEMBERS',
    ]);
  });
});
