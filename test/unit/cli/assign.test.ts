import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';

const EXAMPLE = readFileSync(
  join(__dirname, '..', '..', '..', '..', 'docs', 'examples', 'assign-group.json'),
  'utf8',
);

async function kgd(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readStdin: () => Promise.resolve(stdin),
    isTty: false,
  };
  const code = await main(['assign', ...args], io);
  return { code, out, err };
}

interface Output {
  side: string;
  ordering: string;
  subscriptionType?: string;
  members: Record<
    string,
    {
      assignment: Record<string, number[]>;
      added: Record<string, number[]>;
      revoked: Record<string, number[]>;
    }
  >;
  warnings: string[];
}

describe('kgd assign', () => {
  it('prints the uniform assignment of the documented example, with what each member gains and loses', async () => {
    const r = await kgd(['--assignor', 'uniform'], EXAMPLE);
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out) as Output;
    assert.equal(o.side, 'server');
    assert.equal(o.subscriptionType, 'HOMOGENEOUS');
    const a = o.members['consumer-a'];
    const b = o.members['consumer-b'];
    const count = (x: Record<string, number[]>): number =>
      Object.values(x).reduce((n, ps) => n + ps.length, 0);
    assert.equal(count(a.assignment) + count(b.assignment), 9);
    assert.ok(Math.abs(count(a.assignment) - count(b.assignment)) <= 1);
    assert.deepEqual(b.added, b.assignment);
    assert.equal(count(a.revoked), count(b.added));
  });

  it('--exact follows Java iteration order: consumer-a keeps "payments" (it iterates first) and two of "orders"', async () => {
    const r = await kgd(['--assignor', 'uniform', '--exact', '--compact'], EXAMPLE);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.split('\n').length, 2, 'one line of JSON');
    const o = JSON.parse(r.out) as Output;
    assert.deepEqual(o.members['consumer-a'].assignment, { payments: [0, 1, 2], orders: [0, 1] });
    assert.deepEqual(o.members['consumer-b'].assignment, { orders: [2, 3, 4, 5] });
  });

  it('tells server range and client range apart with --side', async () => {
    const server = JSON.parse((await kgd(['--assignor', 'range'], EXAMPLE)).out) as Output;
    const client = JSON.parse(
      (await kgd(['--assignor', 'range', '--side', 'client'], EXAMPLE)).out,
    ) as Output;
    assert.equal(server.side, 'server');
    assert.equal(client.side, 'client');
    assert.deepEqual(client.members['consumer-a'].assignment, { orders: [0, 1, 2], payments: [0, 1] });
  });

  it('cooperative-sticky withholds partitions until their owner has revoked them', async () => {
    const o = JSON.parse((await kgd(['--assignor', 'cooperative-sticky'], EXAMPLE)).out) as Output;
    assert.deepEqual(o.members['consumer-b'].assignment, {});
    assert.deepEqual(o.members['consumer-a'].revoked, { orders: [3, 4, 5], payments: [2] });
  });

  it('reads a file argument, and warns about subscriptions to unknown topics', async () => {
    const path = join(__dirname, '..', '..', '..', '..', 'docs', 'examples', 'assign-group.json');
    assert.equal((await kgd(['--assignor', 'sticky', path])).code, 0);
    const spec = JSON.stringify({
      topics: [{ name: 't', partitions: 1 }],
      members: [{ id: 'a', subscriptions: ['t', 'nope'] }],
    });
    const o = JSON.parse((await kgd(['--assignor', 'uniform'], spec)).out) as Output;
    assert.match(o.warnings[0], /"nope", which is not in topics/);
  });

  it('rejects bad input with the path, the field and the reason (exit 1), never a stack trace', async () => {
    const cases: [object | string, RegExp][] = [
      ['{oops', /stdin: not valid JSON/],
      [[], /\$: must be an object/],
      [{ topics: [], members: [], extra: 1 }, /\$\.extra: unknown field/],
      [
        { topics: [{ name: 'bad name', partitions: 1 }], members: [] },
        /\$\.topics\[0\]\.name: must be a Kafka topic name/,
      ],
      [
        { topics: [{ name: 't', partitions: -1 }], members: [] },
        /\$\.topics\[0\]\.partitions: must be an integer/,
      ],
      [
        { topics: [{ name: 't', id: 'xyz', partitions: 1 }], members: [] },
        /\$\.topics\[0\]\.id: "xyz" is not a Kafka Uuid/,
      ],
      [
        {
          topics: [{ name: 't', partitions: 2 }],
          members: [{ id: 'a', subscriptions: ['t'], assignment: { u: [0] } }],
        },
        /\$\.members\[0\]\.assignment\.u: topic "u" is not in \$\.topics/,
      ],
      [
        {
          topics: [{ name: 't', partitions: 2 }],
          members: [{ id: 'a', subscriptions: ['t'], assignment: { t: [2] } }],
        },
        /assignment\.t\[0\]: partition 2 does not exist \(topic "t" has 2 partitions\)/,
      ],
      [
        {
          topics: [{ name: 't', partitions: 2 }],
          members: [
            { id: 'a', subscriptions: ['t'], assignment: { t: [0] } },
            { id: 'b', subscriptions: ['t'], assignment: { t: [0] } },
          ],
        },
        /members\[1\]\.assignment\.t\[0\]: partition t-0 is also in member "a"'s assignment/,
      ],
      [
        { topics: [], members: [{ id: 'a', subscriptions: 't' }] },
        /\$\.members\[0\]\.subscriptions: must be an array/,
      ],
      [
        { topics: [], members: [{ id: 'a', subscriptions: [], generation: -3 }] },
        /\$\.members\[0\]\.generation: must be a generation number/,
      ],
      [
        {
          topics: [],
          members: [
            { id: 'a', subscriptions: [] },
            { id: 'a', subscriptions: [] },
          ],
        },
        /\$\.members\[1\]\.id: member "a" is listed twice/,
      ],
    ];
    for (const [input, message] of cases) {
      const r = await kgd(
        ['--assignor', 'uniform'],
        typeof input === 'string' ? input : JSON.stringify(input),
      );
      assert.equal(r.code, 1, `${JSON.stringify(input)} → ${r.err}`);
      assert.match(r.err, message);
      assert.doesNotMatch(r.err, /\n\s+at /);
    }
    assert.equal((await kgd(['--assignor', 'uniform'], '  ')).code, 1);
  });

  it('lets two members claim one partition on the client side: the higher generation keeps it', async () => {
    // Unlike a server-side target assignment, owned partitions may conflict (generations decide).
    const spec = {
      topics: [{ name: 't', partitions: 2 }],
      members: [
        { id: 'a', subscriptions: ['t'], assignment: { t: [0] }, generation: 2 },
        { id: 'b', subscriptions: ['t'], assignment: { t: [0] }, generation: 3 },
      ],
    };
    const o = JSON.parse((await kgd(['--assignor', 'sticky'], JSON.stringify(spec))).out) as Output;
    assert.deepEqual(o.members.b.assignment, { t: [0] });
  });

  it('rejects bad usage with exit code 2 and the usage text', async () => {
    for (const args of [
      [],
      ['--assignor', 'nope'],
      ['--assignor', 'roundrobin', '--side', 'server'],
      ['--assignor', 'uniform', '--side', 'client'],
      ['--assignor', 'uniform', '--kafka-version', '3.9'],
      ['--assignor', 'uniform', '--bogus'],
      ['--assignor'],
    ]) {
      const r = await kgd(args, EXAMPLE);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, /Usage: kgd assign/);
    }
    const missing = await kgd(['--assignor', 'uniform', '/nonexistent/group.json']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /cannot read \/nonexistent\/group\.json: no such file/);
  });
});
