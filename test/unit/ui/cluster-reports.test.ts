import { strict as assert } from 'node:assert';
import type { DoctorReport } from '../../../src/kafka/doctor';
import type { ResetPlan } from '../../../src/kafka/reset';
import { parseClusterConfigs } from '../../../src/ui/clusters/config';
import { code, describeSpec, doctorMarkdown, md, resetPlanMarkdown } from '../../../src/ui/clusters/reports';

const config = parseClusterConfigs(
  [
    {
      name: 'prod',
      bootstrapServers: 'k1:9093',
      tls: { caFile: '/ca.pem' },
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice' },
    },
  ],
  { timeoutMs: 15_000 },
).clusters[0];

describe('cluster reports (Markdown documents)', () => {
  it('the doctor report: a row per step, what to change for the failures, no secrets', () => {
    const report: DoctorReport = {
      ok: false,
      metadata: { clusterId: 'abc', brokers: [{ nodeId: 1, host: 'kafka-0.svc', port: 9093, rack: null }] },
      steps: [
        { target: 'k1:9093', step: 'dns', status: 'ok', detail: 'k1 → 10.0.0.1', hint: null, ms: 2 },
        {
          target: 'k1:9093',
          step: 'sasl',
          status: 'ok',
          detail: 'SCRAM-SHA-512 as alice',
          hint: null,
          ms: 20,
        },
        {
          target: 'kafka-0.svc:9093',
          step: 'advertised',
          status: 'fail',
          detail: 'kafka-0.svc does not resolve | here',
          hint: 'Set advertised.listeners to a name this machine resolves.',
          ms: 5,
        },
      ],
    };
    const text = doctorMarkdown(config, report, new Date(0));
    assert.match(text, /^# Connection diagnosis: prod/);
    assert.match(text, /bootstrap `k1:9093` · SASL_SSL · SCRAM-SHA-512 as `alice` · CA `\/ca.pem`/);
    assert.match(text, /\*\*1 step failed\.\*\*/);
    assert.match(
      text,
      /\| \*\*FAIL\*\* \| `kafka-0.svc:9093` \| Advertised listener \| kafka-0.svc does not resolve \\\| here \| 5 ms \|/,
    );
    assert.match(
      text,
      /## What to change\n\n- \*\*kafka-0.svc:9093 · Advertised listener\*\*: Set advertised.listeners/,
    );
    assert.equal(
      text
        .split('\n')
        .filter((l) => l.startsWith('| ') && !l.startsWith('| Result') && !l.startsWith('| ---')).length,
      3,
    );
  });

  it('the reset dry run: Kafka’s columns plus current → new, the refusal, the Kafka command', () => {
    const plan: ResetPlan = {
      groupId: 'g|1',
      state: 'Stable',
      spec: { kind: 'shift-by', by: -10 },
      rows: [
        {
          topic: 'orders',
          partition: 0,
          current: 50,
          logStartOffset: 0,
          logEndOffset: 80,
          newOffset: 40,
          note: null,
        },
        {
          topic: 'orders',
          partition: 1,
          current: 5,
          logStartOffset: 0,
          logEndOffset: 80,
          newOffset: 0,
          note: '-5 is before the log start; set to 0',
        },
        {
          topic: 'orders',
          partition: 2,
          current: null,
          logStartOffset: 0,
          logEndOffset: 80,
          newOffset: 80,
          note: null,
        },
      ],
      refusal:
        "Assignments can only be reset if the group 'g|1' is inactive, but the current state is Stable.",
    };
    const text = resetPlanMarkdown(
      'prod',
      plan,
      { kind: 'all-topics' },
      'kafka-consumer-groups.sh --dry-run',
      new Date(0),
    );
    assert.match(text, /\| GROUP \| TOPIC \| PARTITION \| CURRENT-OFFSET \| NEW-OFFSET \| MOVE \|/);
    assert.match(text, /\| g\\\|1 \| orders \| 0 \| 50 \| 40 \| -10 \| 0 \| 80 \| {2}\|/);
    assert.match(text, /\| g\\\|1 \| orders \| 2 \| - \| 80 \| new \|/);
    assert.match(text, /\*\*This reset cannot run now\.\*\* Assignments can only be reset/);
    assert.match(text, /3 partitions: 15 records to be read again, 0 skipped\./);
    assert.match(text, /```sh\nkafka-consumer-groups.sh --dry-run\n```/);
    assert.equal(describeSpec(plan.spec), 'the current offset − 10');
    assert.equal(
      describeSpec({ kind: 'duration', backMs: 5_400_000 }),
      'the first offset at or after 1 h 30 min ago',
    );
  });

  it('escapes what came from the network', () => {
    assert.equal(code('a_b|c'), '`a_b¦c`', 'no escapes inside a code span; a pipe cannot break the table');
    assert.equal(code('x`y'), '`` x`y ``');
    assert.equal(md('a|b*c_d`e<script>[x](y)'), 'a\\|b\\*c\\_d\\`e\\<script\\>\\[x\\]\\(y\\)');
    assert.equal(md('two\nlines'), 'two lines');
  });
});
