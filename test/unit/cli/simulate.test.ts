import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import { builtinScenarios } from '../../../src/simulator/scenario/builtins';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function kgd(...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readStdin: () => Promise.resolve(''),
    isTty: false,
  };
  const code = await main(['simulate', ...args], io);
  return { code, out, err };
}

/** No line of a JavaScript stack trace ("    at fn (file:1:2)"). */
function assertNoStack(text: string): void {
  assert.doesNotMatch(text, /^\s+at .+[(:]\d+/m, 'no stack trace');
}

interface TraceLine {
  type: string;
  timeMs: number;
  metrics?: { groupId: string; settled: boolean }[];
}

function ndjson(text: string): TraceLine[] {
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      try {
        return JSON.parse(line) as TraceLine;
      } catch {
        assert.fail(`line ${i + 1} is not JSON: ${line}`);
      }
    });
}

describe('kgd simulate', function () {
  this.timeout(20_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kgd-simulate-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  }

  /** A scenario file: one group "g" of `count` consumers reading "orders". */
  function oneGroup(
    name: string,
    duration: string,
    partitions: number,
    count: number,
    timeline: object[] = [],
  ) {
    return file(
      `${name}.json`,
      JSON.stringify({
        name,
        duration,
        topics: [{ name: 'orders', partitions }],
        groups: [{ id: 'g', subscription: ['orders'], members: [{ name: 'c-{i}', count }] }],
        timeline,
      }),
    );
  }

  it('--list prints the built-in scenarios, one name per line, and nothing else', async () => {
    const r = await kgd('--list');
    assert.equal(r.code, 0);
    assert.equal(r.err, '');
    assert.equal(
      r.out,
      builtinScenarios()
        .map((s) => `${s.name}\n`)
        .join(''),
    );
    assert.ok(r.out.split('\n').includes('rolling-restart-static'));
  });

  describe('bad input', () => {
    it('a scenario file with errors: every problem with its path and reason, exit 1, no stack trace', async () => {
      const p = file(
        'bad.json',
        JSON.stringify({
          name: 'bad',
          topics: [{ name: 'orders', partitions: 12 }],
          groups: [
            {
              id: 'app',
              subscription: ['orders'],
              members: [{ name: 'consumer-{i}', count: 3, config: { 'session.timeout.ms': 'soon' } }],
            },
          ],
          timeline: [{ at: '10s', do: 'crash', member: 'consumer-9' }],
        }),
      );
      const r = await kgd(p);
      assert.equal(r.code, 1);
      assert.equal(r.out, '');
      assert.match(r.err, new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 2 problems`));
      assert.match(
        r.err,
        /groups\[0\]\.members\[0\]\.config\["session\.timeout\.ms"\]: must be a whole number .*got "soon"/,
      );
      assert.match(r.err, /timeline\[0\]\.member: no member is named "consumer-9"/);
      assert.match(r.err, /docs\/scenarios\.md/);
      assertNoStack(r.err);
    });

    it('a file that is not JSON: where it breaks, exit 1', async () => {
      const r = await kgd(file('broken.json', '{"name": "x", "topics": [\n'));
      assert.equal(r.code, 1);
      assert.match(r.err, /not valid JSON: .* at line 2, column 1/);
      assertNoStack(r.err);
    });

    it('a missing file: "no such file", exit 1', async () => {
      const p = join(dir, 'nope.json');
      const r = await kgd(p);
      assert.equal(r.code, 1);
      assert.equal(r.err, `kgd simulate: cannot read ${p}: no such file\n`);
    });

    it('an unknown built-in: names the built-ins and how to run a file, exit 1', async () => {
      const r = await kgd('scale-in');
      assert.equal(r.code, 1);
      assert.match(r.err, /no built-in scenario is named "scale-in"/);
      for (const s of builtinScenarios()) assert.ok(r.err.includes(s.name), s.name);
      assert.match(r.err, /give its path/);
    });

    const badFlags: [string[], RegExp][] = [
      [
        ['crash', '--protocol', 'classic'],
        /--protocol must be consumer, eager or cooperative, not "classic"/,
      ],
      [['crash', '--format', 'xml'], /--format must be table, json or ndjson, not "xml"/],
      [['crash', '--seed=-3'], /--seed must be a whole number/],
      [['crash', '--seed', '99999999999'], /--seed must be a whole number/],
      [['crash', '--until', 'soon'], /--until must be a duration like 90s or 10m, not "soon"/],
      [['crash', '--until', '0s'], /--until must be a duration/],
      [['crash', '--bogus'], /Unknown option '--bogus'/],
      [['crash', '--compare', '--protocol', 'eager'], /--compare runs every protocol; drop --protocol/],
      [['crash', '--compare', '--format', 'ndjson'], /--compare prints a table or json, not ndjson/],
      [[], /name a built-in scenario or a scenario file/],
      [['crash', 'scale-out'], /give one scenario/],
    ];
    for (const [args, message] of badFlags) {
      it(`kgd simulate ${args.join(' ')}: exit 2 with the reason and the usage`, async () => {
        const r = await kgd(...args);
        assert.equal(r.code, 2);
        assert.equal(r.out, '');
        assert.match(r.err, message);
        assert.match(r.err, /Usage: kgd simulate <built-in\|file\.json> \[options\]/);
        assertNoStack(r.err);
      });
    }
  });

  describe('output', () => {
    it('--format ndjson: one JSON event per line, in time order, ending with the summary', async () => {
      const r = await kgd('scale-out', '--format', 'ndjson');
      assert.equal(r.code, 0, r.err);
      const lines = ndjson(r.out);
      const summary = lines[lines.length - 1];
      assert.equal(summary.type, 'summary');
      assert.equal(summary.timeMs, 180_000);
      assert.deepEqual(
        summary.metrics?.map((m) => [m.groupId, m.settled]),
        [['orders-app', true]],
      );
      const events = lines.slice(0, -1);
      assert.ok(events.length > 20);
      assert.ok(events.every((e) => e.type !== 'summary' && typeof e.timeMs === 'number'));
      for (let i = 1; i < events.length; i++) assert.ok(events[i].timeMs >= events[i - 1].timeMs);
      assert.ok(events.some((e) => e.type === 'member-joined'));
    });

    it('--until stops early: no event after it, and the summary is at that time', async () => {
      const full = ndjson((await kgd('scale-out', '--format', 'ndjson')).out);
      const r = await kgd('scale-out', '--format', 'ndjson', '--until', '65s');
      assert.equal(r.code, 0, r.err);
      const lines = ndjson(r.out);
      assert.equal(lines[lines.length - 1].timeMs, 65_000);
      assert.ok(lines.slice(0, -1).every((e) => e.timeMs <= 65_000));
      assert.ok(lines.length < full.length);
      // The same run, cut short: its events are the full run's first ones.
      assert.deepEqual(lines.slice(0, -1), full.slice(0, lines.length - 1));
      const table = await kgd('scale-out', '--until', '65s');
      assert.match(table.out, /until 1 min 5 s/);
      assert.match(table.out, /Summary for orders-app at 01:05\.000/);
    });

    it('--seed changes the run; the same seed repeats it', async () => {
      const a = await kgd('crash', '--format', 'ndjson', '--seed', '42');
      const b = await kgd('crash', '--format', 'ndjson', '--seed', '42');
      const c = await kgd('crash', '--format', 'ndjson', '--seed', '43');
      assert.equal(a.out, b.out);
      assert.notEqual(a.out, c.out);
    });

    it('--format json parses: scenario, events, snapshots and metrics', async () => {
      const r = await kgd('crash', '--format', 'json', '--protocol', 'eager');
      assert.equal(r.code, 0, r.err);
      const o = JSON.parse(r.out) as {
        scenario: { name: string; variant: string; seed: number };
        events: TraceLine[];
        snapshots: Record<string, { state: string; protocol: string; members: unknown[] }>;
        metrics: { groupId: string; settled: boolean }[];
      };
      assert.deepEqual(o.scenario.name, 'crash');
      assert.equal(o.scenario.variant, 'eager');
      assert.equal(o.scenario.seed, 1);
      assert.ok(o.events.length > 10);
      assert.equal(o.snapshots['orders-app'].state, 'Stable');
      assert.equal(o.snapshots['orders-app'].protocol, 'classic');
      assert.equal(o.snapshots['orders-app'].members.length, 3, 'the crashed member is gone');
      assert.equal(o.metrics[0].settled, true);
    });

    it('--compare prints one table with the three variants side by side', async () => {
      const r = await kgd('crash', '--compare');
      assert.equal(r.code, 0, r.err);
      const lines = r.out.split('\n');
      const header = lines.filter((l) => l.includes('consumer (KIP-848)'));
      assert.equal(header.length, 1, 'one table');
      assert.match(header[0], /consumer \(KIP-848\)\s+classic, eager\s+classic, cooperative/);
      const start = lines.indexOf(header[0]);
      const rows = lines.slice(start + 1, start + 5);
      assert.deepEqual(
        rows.map((l) => l.replace(/\s{2,}.*$/, '')),
        ['time to Stable', 'partition-seconds with no owner', 'partition moves', 'epoch bumps / generations'],
      );
      // Three values per row: one per variant.
      for (const row of rows) assert.equal(row.trim().split(/\s{2,}/).length, 4, row);
    });

    it('--compare --format json: one run per variant', async () => {
      const r = await kgd('crash', '--compare', '--format', 'json');
      const o = JSON.parse(r.out) as { runs: { variant: string; metrics: unknown[] }[] };
      assert.deepEqual(
        o.runs.map((x) => x.variant),
        ['consumer', 'eager', 'cooperative'],
      );
    });

    it('the table: a timeline with epochs and member states, then the summary', async () => {
      const r = await kgd('crash');
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^Scenario crash — /);
      assert.match(r.out, /Protocol consumer \(KIP-848\) · seed 1 · until 3 min/);
      assert.match(r.out, /TIME\s+GROUP\s+EPOCH\s+EVENT/);
      assert.match(r.out, /01:00\.000\s+orders-app\s+g\d+ t\d+\s+crash consumer-2/);
      assert.match(r.out, /consumer-2 left: session\.timeout\.ms expired/);
      assert.match(r.out, /Summary for orders-app at 03:00\.000/);
    });

    it('runs a scenario file', async () => {
      const p = oneGroup('two', '1m', 4, 2);
      const r = await kgd(p, '--format', 'ndjson', '--protocol', 'cooperative');
      assert.equal(r.code, 0, r.err);
      const lines = ndjson(r.out);
      assert.equal(lines[lines.length - 1].metrics?.[0].groupId, 'g');
    });

    it('--help prints the usage and exits 0', async () => {
      const r = await kgd('--help');
      assert.equal(r.code, 0);
      assert.match(r.out, /--compare/);
      assert.match(r.out, /--until DURATION/);
    });
  });

  it('the bundled kgd stops quietly when its reader goes away (| head)', async function () {
    this.timeout(30_000); // a child process on a busy machine
    const cli = join(__dirname, '..', '..', '..', '..', 'dist', 'cli.js');
    if (!existsSync(cli)) {
      // npm test always bundles first; a bare mocha run after `tsc -b` alone has no bundle.
      this.skip();
    }
    // Far more output than a pipe holds (64 KiB), so writing goes on after the reader has left.
    const restarts = [1, 2, 3, 4, 5].map((k) => ({ at: `${k}m`, do: 'restart', member: `c-${k}` }));
    const big = oneGroup('big', '10m', 600, 60, restarts);
    const child = spawn(process.execPath, [cli, 'simulate', big, '--format', 'ndjson']);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(err, '', 'nothing on stderr');
    assert.equal(code, 0);
  });
});
