/** The connection doctor against the real broker, including a deliberately wrong advertised listener. */
import { strict as assert } from 'node:assert';
import type { DoctorReport } from '../../../src/kafka';
import { kafka } from '../support/env';
import { kgd } from '../support/kgd';

async function doctor(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; report: DoctorReport }> {
  const r = await kgd(['doctor', ...args, '--format', 'json', '--timeout', '9s'], env);
  return { code: r.code, report: JSON.parse(r.stdout) as DoctorReport };
}

const statusOf = (r: DoctorReport, step: string): string[] =>
  r.steps.filter((s) => s.step === step).map((s) => s.status);

describe('kgd doctor (Kafka 4.3.1)', function () {
  this.timeout(60_000);

  it('a healthy plaintext listener: every step passes, the broker supports KIP-848', async () => {
    const { code, report } = await doctor(['--bootstrap', kafka().bootstrap]);
    assert.equal(code, 0);
    assert.ok(report.ok);
    assert.deepEqual(statusOf(report, 'tcp'), ['ok']);
    assert.deepEqual(statusOf(report, 'metadata'), ['ok']);
    assert.match(
      report.steps.find((s) => s.step === 'api-versions')?.detail ?? '',
      /ConsumerGroupDescribe \(KIP-848\) v0–v1/,
    );
    // The broker's other, deliberately wrong listener is only a warning for this connection.
    assert.deepEqual(statusOf(report, 'listeners'), ['warn']);
  });

  it('names the deliberately wrong advertised listener and what to change', async () => {
    const { info } = kafka();
    const { code, report } = await doctor(['--bootstrap', info.bootstrap.misadvertised]);
    assert.equal(code, 1);
    const bad = `kafka-0.kgd-test.invalid:${info.nodes[0].ports.misadvertised}`;
    const advertised = report.steps.find((s) => s.step === 'advertised');
    assert.equal(advertised?.status, 'fail');
    assert.equal(advertised?.target, bad);
    assert.match(
      advertised?.detail ?? '',
      new RegExp(
        `broker 1 advertises ${bad.replace(/\./g, '\\.')}, which this machine cannot reach \\(the bootstrap address answered\\)`,
      ),
    );
    assert.match(advertised?.hint ?? '', /Set advertised\.listeners/);
    assert.equal(report.steps.find((s) => s.step === 'dns' && s.target === bad)?.status, 'fail');
    const listeners = report.steps.find((s) => s.step === 'listeners');
    assert.equal(listeners?.status, 'fail');
    assert.match(
      listeners?.detail ?? '',
      /MISADVERTISED advertises kafka-0\.kgd-test\.invalid:\d+, and kafka-0\.kgd-test\.invalid does not resolve from here/,
    );
  });

  it('TLS and SASL steps: a TLS port without TLS, an untrusted CA, a wrong password', async () => {
    const { info } = kafka();
    const noTls = await doctor(['--bootstrap', info.bootstrap.ssl]);
    assert.equal(noTls.code, 1);
    assert.match(
      noTls.report.steps.find((s) => s.step === 'api-versions')?.hint ?? '',
      /This port speaks TLS: turn TLS on/,
    );

    const wrongCa = await doctor([
      '--bootstrap',
      info.bootstrap.saslSsl,
      '--tls-ca',
      info.tls.untrustedCaFile,
    ]);
    const tls = wrongCa.report.steps.find((s) => s.step === 'tls');
    assert.equal(tls?.status, 'fail');
    assert.match(tls?.hint ?? '', /not signed by a CA we trust/);

    const good = await doctor(
      [
        '--bootstrap',
        info.bootstrap.saslSsl,
        '--tls-ca',
        info.tls.caFile,
        '--sasl-mechanism',
        'SCRAM-SHA-256',
        '--sasl-user',
        'kgd-scram',
      ],
      {
        KGD_SASL_PASSWORD: 'kgd-scram-secret',
      },
    );
    assert.equal(good.code, 0);
    assert.match(
      good.report.steps.find((s) => s.step === 'tls')?.detail ?? '',
      /^TLSv1\.[23], certificate CN=localhost, issued by CN=kgd-test-ca/,
    );
    assert.deepEqual(statusOf(good.report, 'sasl'), ['ok']);

    const badPw = await doctor(
      [
        '--bootstrap',
        info.bootstrap.saslPlaintext,
        '--sasl-mechanism',
        'SCRAM-SHA-256',
        '--sasl-user',
        'kgd-scram',
      ],
      {
        KGD_SASL_PASSWORD: 'nope',
      },
    );
    assert.equal(badPw.code, 1);
    const sasl = badPw.report.steps.find((s) => s.step === 'sasl');
    assert.equal(sasl?.status, 'fail');
    assert.match(sasl?.detail ?? '', /SASL authentication failed/);
  });
});
