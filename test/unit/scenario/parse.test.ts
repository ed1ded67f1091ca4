import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { locateJsonError } from '../../../src/simulator/scenario/json-locate';
import { builtinScenarios } from '../../../src/simulator/scenario/builtins';
import { formatClock, formatDuration, parseDuration } from '../../../src/simulator/scenario/duration';
import { ScenarioError, parseScenario, parseScenarioText } from '../../../src/simulator/scenario/parse';

const minimal = {
  name: 'mini',
  topics: [{ name: 'orders', partitions: 3 }],
  groups: [{ id: 'app', subscription: ['orders'], members: [{ name: 'c-{i}', count: 2 }] }],
};

function problems(doc: unknown): string[] {
  try {
    parseScenario(doc, { source: 'test.json' });
  } catch (err) {
    assert.ok(err instanceof ScenarioError, `expected ScenarioError, got ${String(err)}`);
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected the scenario to be rejected');
}

describe('scenario durations', () => {
  it('parses units and compound durations', () => {
    assert.equal(parseDuration('150ms'), 150);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('2h'), 7_200_000);
    assert.equal(parseDuration(250), 250);
    assert.equal(parseDuration('1.5s'), 1500);
    for (const bad of ['', 'soon', '5 minutes', '-3s', '10x', null, {}])
      assert.equal(parseDuration(bad), null, JSON.stringify(bad));
  });

  it('formats clocks and durations for people', () => {
    assert.equal(formatClock(61_005), '01:01.005');
    assert.equal(formatClock(3_723_000), '1:02:03.000');
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(12_500), '12 s');
    assert.equal(formatDuration(2_500), '2.5 s');
    assert.equal(formatDuration(200_000), '3 min 20 s');
  });
});

describe('scenario validation', () => {
  it('resolves a minimal scenario with the Java client defaults', () => {
    const s = parseScenario(minimal);
    assert.equal(s.durationMs, 600_000);
    assert.equal(s.groups[0].members.length, 2);
    const m = s.groups[0].members[1];
    assert.equal(m.name, 'c-2');
    assert.equal(m.config.clientId, 'c-2');
    assert.equal(m.config.sessionTimeoutMs, 45_000);
    assert.equal(m.config.maxPollIntervalMs, 300_000);
    assert.deepEqual(m.config.partitionAssignmentStrategy, ['range', 'cooperative-sticky']);
    assert.deepEqual(m.config.subscription, { topics: ['orders'] });
  });

  it('accepts Java property names and class names for assignors', () => {
    const s = parseScenario({
      ...minimal,
      groups: [
        {
          id: 'app',
          subscription: ['orders'],
          config: {
            'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
            'group.instance.id': 'inst-{i}',
          },
          members: [{ name: 'c-{i}', count: 2, config: { 'session.timeout.ms': 10000 } }],
        },
      ],
    });
    const m = s.groups[0].members[0];
    assert.deepEqual(m.config.partitionAssignmentStrategy, ['cooperative-sticky']);
    assert.equal(m.config.groupInstanceId, 'inst-1');
    assert.equal(m.config.sessionTimeoutMs, 10_000);
    assert.equal(m.explicit.assignor, true);
  });

  it('names the path, the field and the reason for every problem', () => {
    const found = problems({
      name: 'bad',
      topics: [{ name: 'orders', partitions: 0 }],
      groups: [
        {
          id: 'app',
          subscription: ['orders'],
          members: [{ name: 'c', config: { 'session.timeout.ms': 'soon', 'sesion.timeout.ms': 1 } }],
        },
      ],
      timeline: [{ at: '10s', do: 'crash', member: 'c9' }],
    });
    assert.ok(
      found.some((p) => p.startsWith('topics[0].partitions: must be a whole number from 1')),
      found.join('\n'),
    );
    assert.ok(
      found.some((p) =>
        p.startsWith('groups[0].members[0].config["session.timeout.ms"]: must be a whole number'),
      ),
      found.join('\n'),
    );
    assert.ok(
      found.some((p) =>
        p.includes('["sesion.timeout.ms"]: unknown field (did you mean "session.timeout.ms"?)'),
      ),
      found.join('\n'),
    );
    assert.ok(
      found.some((p) => p.startsWith('timeline[0].member: no member is named "c9"')),
      found.join('\n'),
    );
  });

  it('reports JSON syntax errors with a line and column, never a stack trace', () => {
    try {
      parseScenarioText('{\n  "name": "x",\n  "topics": [,]\n}', { source: 'broken.json' });
      assert.fail('expected a ScenarioError');
    } catch (err) {
      assert.ok(err instanceof ScenarioError);
      assert.match(
        err.message,
        /^broken\.json: invalid scenario\n {2}\(top level\): not valid JSON: .*line 3, column \d+/,
      );
      assert.doesNotMatch(err.message, /at Object\.|\.js:\d+/);
    }
  });

  it('rejects unknown subscriptions, missing counts in names and steps after the end', () => {
    const found = problems({
      ...minimal,
      duration: '1m',
      groups: [{ id: 'app', subscription: ['nope'], members: [{ name: 'c', count: 3 }] }],
      timeline: [{ at: '2m', do: 'add-partitions', topic: 'orders', partitions: 6 }],
    });
    assert.ok(
      found.some((p) => p.includes('needs "{i}"')),
      found.join('\n'),
    );
    assert.ok(
      found.some((p) => p.startsWith('timeline[0].at: is after the end of the run')),
      found.join('\n'),
    );
  });

  it('sorts the timeline by time and keeps file order for ties', () => {
    const s = parseScenario({
      ...minimal,
      timeline: [
        { at: '20s', do: 'crash', member: 'c-1' },
        { at: '10s', do: 'shutdown', member: 'c-2' },
        { at: '20s', do: 'start', member: 'c-2' },
      ],
    });
    assert.deepEqual(
      s.timeline.map((t) => `${t.atMs}:${t.do}`),
      ['10000:shutdown', '20000:crash', '20000:start'],
    );
  });

  it('ships valid built-in scenarios with unique names', () => {
    const names = builtinScenarios().map((s) => s.name);
    assert.deepEqual(names, [...new Set(names)]);
    for (const required of [
      'scale-out',
      'rolling-restart',
      'rolling-restart-static',
      'crash',
      'slow-revoker',
      'max-poll-breach',
      'partition-increase',
      'subscription-change',
      'flapping-member',
    ]) {
      assert.ok(names.includes(required), `missing built-in ${required}`);
    }
  });
});

describe('locateJsonError', () => {
  it('agrees with JSON.parse on valid and corrupted documents', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.nat(),
        fc.constantFrom('', ',', '}', ']', '"', 'x', ':'),
        (v, at, junk) => {
          const text = JSON.stringify(v, null, 2);
          assert.equal(locateJsonError(text), null);
          const pos = text.length === 0 ? 0 : at % text.length;
          const broken = text.slice(0, pos) + junk + text.slice(pos);
          let valid = true;
          try {
            JSON.parse(broken);
          } catch {
            valid = false;
          }
          const where = locateJsonError(broken);
          assert.equal(where === null, valid, `${JSON.stringify(broken)} → ${JSON.stringify(where)}`);
          if (where !== null) assert.ok(where.line >= 1 && where.column >= 1);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('scenario client ids', () => {
  it('accepts any printable client id, as Kafka does, and refuses control characters', () => {
    const s = parseScenario({
      ...minimal,
      groups: [
        {
          id: 'app',
          subscription: ['orders'],
          members: [{ name: 'c', config: { 'client.id': 'my app <img src=x onerror=alert(1)>' } }],
        },
      ],
    });
    assert.equal(s.groups[0].members[0].config.clientId, 'my app <img src=x onerror=alert(1)>');
    const found = problems({
      ...minimal,
      groups: [
        {
          id: 'app',
          subscription: ['orders'],
          members: [{ name: 'c', config: { 'client.id': 'bad\u0007id' } }],
        },
      ],
    });
    assert.ok(
      found.some((p) => p.includes('client id (1-255 characters, no control characters)')),
      found.join('\n'),
    );
  });
});
