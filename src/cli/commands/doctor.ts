/** `kgd doctor`: diagnose a connection step by step and say what to change. */
import { diagnoseConnection, openTransport, type DoctorStep } from '../../kafka';
import { UsageError, type CliCommand } from '../io';
import { parseArgs, single } from './args';
import { CLUSTER_OPTIONS, CLUSTER_USAGE, asUserError, clusterConnection } from './cluster-options';

const MARK: Readonly<Record<DoctorStep['status'], string>> = {
  ok: 'ok  ',
  warn: 'WARN',
  fail: 'FAIL',
  skip: '-   ',
};

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Diagnose a connection: DNS, TCP, TLS, SASL, ApiVersions, Metadata, advertised listeners',
  usage: `Usage: kgd doctor --bootstrap HOST:PORT [--format table|json]

Checks each bootstrap server step by step (DNS, TCP, TLS handshake, SASL, ApiVersions), reads the
cluster metadata, then tries every broker's advertised address from this machine — the bootstrap may
answer while the brokers advertise names or addresses this machine cannot reach (Docker, Kubernetes).
Where the broker allows DescribeConfigs, it checks listeners and advertised.listeners too.
Exit code 0 when nothing failed, 1 otherwise.

${CLUSTER_USAGE}`,
  async run(args, io) {
    const p = parseArgs(args, { ...CLUSTER_OPTIONS, format: { value: true } });
    const format = single(p, 'format') ?? 'table';
    if (format !== 'table' && format !== 'json') throw new UsageError('--format must be table or json');
    const { settings, secrets, warnings } = await clusterConnection(p, io);
    for (const w of warnings) io.stderr(`warning: ${w}\n`);
    let report;
    try {
      report = await diagnoseConnection(settings, secrets, { transport: openTransport(settings, secrets) });
    } catch (e) {
      throw asUserError(e);
    }
    if (format === 'json') {
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      for (const s of report.steps) {
        io.stdout(`${MARK[s.status]} ${s.target.padEnd(28)} ${s.step.padEnd(12)} ${s.detail}\n`);
        if (s.hint !== null && s.status !== 'ok')
          io.stdout(`     ${''.padEnd(28)} ${''.padEnd(12)} → ${s.hint}\n`);
      }
      io.stdout(report.ok ? '\nNo problems found.\n' : '\nProblems found: see FAIL above.\n');
    }
    return report.ok ? 0 : 1;
  },
};
