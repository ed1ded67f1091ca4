import * as vscode from 'vscode';
import type { GroupSnapshot } from '../../model';
import { buildSnapshotFile, parseSnapshotFile, serializeSnapshotFile } from '../../sources/snapshot-file';
import { FileSource } from '../../sources/file-source';
import type { SourceRegistry } from '../../sources/registry';
import type { GroupSource } from '../../sources/source';
import type { SimulatorSource } from '../../sources/simulator-source';
import { builtinScenarios } from '../../simulator/scenario/builtins';
import { parseDuration } from '../../simulator/scenario/duration';
import { parseScenarioText } from '../../simulator/scenario/parse';
import { PROTOCOL_VARIANTS, type ProtocolVariant } from '../../simulator/scenario/schema';
import { UserFacingError, guarded } from '../errors';
import type { SimulatorController } from '../simulator/controller';
import type { TreeNode } from '../tree/provider';
import { CommandId } from './ids';

export interface CommandServices {
  readonly registry: SourceRegistry;
  readonly simulator: SimulatorController;
  readonly log: vscode.LogOutputChannel;
  readonly refreshTree: () => void;
  /** Opens the dashboard for a group (wired by the dashboard feature). */
  readonly openDashboard: (sourceId: string, groupId: string) => void;
  readonly extensionVersion: string;
}

/** Commands may be run from the palette (no argument), from a tree node, or by other features. */
type Arg = TreeNode | { sourceId?: string; groupId?: string; memberId?: string } | undefined;

function refOf(arg: unknown): { sourceId?: string; groupId?: string; memberId?: string; topic?: string } {
  if (typeof arg !== 'object' || arg === null) return {};
  const maybeNode = arg as { descriptor?: { ref?: unknown } };
  const ref = (maybeNode.descriptor?.ref ?? arg) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length < 1000 ? v : undefined);
  const out: { sourceId?: string; groupId?: string; memberId?: string; topic?: string } = {};
  const s = str(ref.sourceId);
  const g = str(ref.groupId);
  const m = str(ref.memberId);
  const t = str(ref.topic);
  if (s !== undefined) out.sourceId = s;
  if (g !== undefined) out.groupId = g;
  if (m !== undefined) out.memberId = m;
  if (t !== undefined) out.topic = t;
  return out;
}

/*
 * The prompts of multi-step flows (Add Member's four, a restart's pause, a partition count, a
 * subscription) use ignoreFocusOut: focus going back to the dashboard the command was run from,
 * or a click elsewhere, must not silently close them and drop what was already chosen.
 */
export function registerCommands(context: vscode.ExtensionContext, services: CommandServices): void {
  const { registry, simulator, log } = services;
  const register = (id: CommandId, handler: (arg?: Arg) => unknown): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, (arg?: Arg) => guarded(log, id, () => handler(arg))),
    );
  };

  register(CommandId.StartSimulator, async () => {
    await simulator.start();
  });
  register(CommandId.RunScenario, async () => {
    const fromFile = {
      label: '$(folder-opened) Open a scenario file…',
      description: 'JSON, see docs/scenarios.md',
      name: '',
    };
    const pick = await vscode.window.showQuickPick(
      [...builtinScenarios().map((s) => ({ label: s.name, detail: s.description, name: s.name })), fromFile],
      { title: 'Run a scenario in the simulator', matchOnDetail: true },
    );
    if (pick === undefined) return;
    if (pick === fromFile) {
      const uri = await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { 'Scenario (JSON)': ['json'] },
      });
      if (uri?.[0] === undefined) return;
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri[0]));
      await simulator.start(parseScenarioText(text, { source: vscode.workspace.asRelativePath(uri[0]) }));
      return;
    }
    const scenario = builtinScenarios().find((s) => s.name === pick.name);
    if (scenario !== undefined) await simulator.start(scenario);
  });
  register(CommandId.StopSimulator, () => simulator.stop());
  register(CommandId.Play, () => simulator.require().play());
  register(CommandId.Pause, () => simulator.require().pause());
  register(CommandId.Step, () => {
    const s = simulator.require();
    s.pause();
    s.step();
  });
  register(CommandId.SetSpeed, async () => {
    const s = simulator.require();
    const pick = await vscode.window.showQuickPick(
      ['1', '2', '5', '10', '50', '100', '500', '1000'].map((v) => ({
        label: `${v}×`,
        description: Number(v) === s.speed ? 'current' : '',
        value: Number(v),
      })),
      { title: 'Simulator speed (virtual time per real second)' },
    );
    if (pick !== undefined) s.setSpeed(pick.value);
  });
  register(CommandId.RestartScenario, () => simulator.require().restartScenario());
  register(CommandId.SwitchProtocol, async () => {
    const s = simulator.require();
    const labels: Record<ProtocolVariant, string> = {
      consumer: 'consumer (KIP-848)',
      eager: 'classic, eager (range)',
      cooperative: 'classic, cooperative (cooperative-sticky)',
    };
    const pick = await vscode.window.showQuickPick(
      PROTOCOL_VARIANTS.map((v) => ({ label: labels[v], value: v })),
      { title: `Rerun "${s.currentScenario.name}" from the start under…` },
    );
    if (pick !== undefined) s.switchProtocol(pick.value);
  });
  register(CommandId.AddMember, async (arg) => {
    const s = simulator.require();
    const ref = refOf(arg);
    if (ref.sourceId !== undefined && ref.sourceId !== s.id) {
      throw new UserFacingError(
        `members can only be added to the simulator's groups; "${ref.groupId ?? ref.sourceId}" comes from ${ref.sourceId}`,
      );
    }
    const groupId = ref.groupId ?? (await pickGroup(s));
    if (groupId === undefined) return;
    const protocol = await vscode.window.showQuickPick(
      [
        { label: 'consumer', description: 'group.protocol=consumer (KIP-848)', value: 'consumer' as const },
        { label: 'classic', description: 'group.protocol=classic', value: 'classic' as const },
      ],
      { title: 'Add member: protocol', ignoreFocusOut: true },
    );
    if (protocol === undefined) return;
    const assignors: { label: string; description: string; value: string | null }[] =
      protocol.value === 'consumer'
        ? [
            { label: 'broker default', description: 'no group.remote.assignor', value: null },
            { label: 'uniform', description: '', value: 'uniform' },
            { label: 'range', description: '', value: 'range' },
          ]
        : ['cooperative-sticky', 'range', 'roundrobin', 'sticky'].map((a) => ({
            label: a,
            description: '',
            value: a,
          }));
    const assignor = await vscode.window.showQuickPick(assignors, {
      ignoreFocusOut: true,
      title: `Add member: ${protocol.value === 'consumer' ? 'group.remote.assignor' : 'partition.assignment.strategy'}`,
    });
    if (assignor === undefined) return;
    const instanceId = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: 'Add member: group.instance.id (leave empty for a dynamic member)',
      validateInput: (v) =>
        v === '' || /^[A-Za-z0-9._-]{1,249}$/.test(v) ? null : 'letters, digits, ".", "_" and "-" only',
    });
    if (instanceId === undefined) return;
    const defaultName = s.nextMemberName();
    const clientId = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `Add member: client.id (leave empty for "${defaultName}")`,
      placeHolder: defaultName,
      validateInput: (v) =>
        v.length <= MAX_CLIENT_ID && !CONTROL_CHARACTERS.test(v)
          ? null
          : `up to ${MAX_CLIENT_ID} characters, no control characters`,
    });
    if (clientId === undefined) return;
    const name = s.addMemberLike(groupId, {
      protocol: protocol.value,
      assignor: assignor.value,
      instanceId: instanceId === '' ? null : instanceId,
      clientId: clientId === '' ? null : clientId,
    });
    log.info(`simulator: added ${name} to ${groupId}`);
  });
  register(CommandId.CrashMember, async (arg) => {
    const s = simulator.require();
    const name = await memberName(s, arg, 'Crash which member? (it stops without leaving the group)');
    if (name !== undefined) s.crashMember(name);
  });
  register(CommandId.RestartMember, async (arg) => {
    const s = simulator.require();
    const name = await memberName(
      s,
      arg,
      'Restart which member? (clean shutdown, back after the pause you choose)',
    );
    if (name === undefined) return;
    const down = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `Restart ${name}: how long is it down?`,
      value: '10s',
      validateInput: (v) => (parseDuration(v) === null ? 'a duration such as 10s, 1m or 500ms' : null),
    });
    if (down === undefined) return;
    s.restartMember(name, parseDuration(down) ?? 10_000);
  });
  register(CommandId.SlowMember, async (arg) => {
    const s = simulator.require();
    const name = await memberName(s, arg, 'Slow down which member?');
    if (name === undefined) return;
    const presets = [
      {
        label: 'Processing takes 6 minutes per poll',
        description: 'exceeds max.poll.interval.ms (5 min default)',
        patch: { processingMs: 360_000 },
      },
      {
        label: 'onPartitionsRevoked takes 40 s',
        description: 'holds up reconciliation / rebalances',
        patch: { onRevokedMs: 40_000 },
      },
      { label: 'Processing takes 2 s per poll', description: 'lag grows', patch: { processingMs: 2_000 } },
      {
        label: 'Back to normal',
        description: '100 ms per poll, instant callbacks',
        patch: { processingMs: 100, onRevokedMs: 0, onAssignedMs: 0 },
      },
    ];
    const pick = await vscode.window.showQuickPick(presets, { title: `Slow down ${name}` });
    if (pick !== undefined) s.slowMember(name, pick.patch, null);
  });
  register(CommandId.AddPartitions, async (arg) => {
    const s = simulator.require();
    const topics = s.simulation.topics();
    const topicName =
      refOf(arg).topic ??
      (
        await vscode.window.showQuickPick(
          topics.map((t) => ({ label: t.name, description: `${t.partitions} partitions` })),
          { title: 'Add partitions to which topic?' },
        )
      )?.label;
    if (topicName === undefined) return;
    const current = topics.find((t) => t.name === topicName)?.partitions ?? 0;
    const value = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `${topicName} has ${current} partitions. New partition count:`,
      value: String(current * 2),
      validateInput: (v) =>
        /^\d+$/.test(v) && Number(v) > current && Number(v) <= 100_000
          ? null
          : `a whole number above ${current} (Kafka can only add partitions)`,
    });
    if (value !== undefined) s.addPartitions(topicName, Number(value));
  });
  register(CommandId.ChangeSubscription, async (arg) => {
    const s = simulator.require();
    const name = await memberName(s, arg, 'Change the subscription of which member?');
    if (name === undefined) return;
    const current = new Set(s.simulation.memberSubscription(name));
    const picks = await vscode.window.showQuickPick(
      s.simulation.topics().map((t) => ({ label: t.name, picked: current.has(t.name) })),
      { title: `${name} subscribes to…`, canPickMany: true, ignoreFocusOut: true },
    );
    if (picks !== undefined)
      s.changeSubscription(
        name,
        picks.map((p) => p.label),
      );
  });

  register(CommandId.OpenDashboard, async (arg) => {
    const ref = refOf(arg);
    if (ref.sourceId !== undefined && ref.groupId !== undefined) {
      services.openDashboard(ref.sourceId, ref.groupId);
      return;
    }
    const target = await pickAnyGroup(registry);
    if (target !== undefined) services.openDashboard(target.source.id, target.groupId);
  });
  register(CommandId.Refresh, () => services.refreshTree());
  register(CommandId.ExportSnapshot, async (arg) => {
    const ref = refOf(arg);
    const target =
      ref.sourceId !== undefined && ref.groupId !== undefined && registry.get(ref.sourceId) !== undefined
        ? { source: registry.get(ref.sourceId)!, groupId: ref.groupId }
        : await pickAnyGroup(registry);
    if (target === undefined) return;
    const snapshot = target.source.snapshot(target.groupId);
    if (snapshot === undefined)
      throw new UserFacingError(`group "${target.groupId}" has no snapshot to export`);
    const uri = await vscode.window.showSaveDialog({
      title: `Export a snapshot of ${target.groupId}`,
      defaultUri: vscode.Uri.file(`${safeFileName(target.groupId)}.kgd.json`),
      filters: { 'Kafka Group Debugger snapshot': ['json'] },
    });
    if (uri === undefined) return;
    await vscode.workspace.fs.writeFile(
      uri,
      new TextEncoder().encode(exportText(target.source, target.groupId, snapshot, services)),
    );
    void vscode.window.showInformationMessage(
      `Kafka Groups: exported ${target.groupId} to ${vscode.workspace.asRelativePath(uri)}`,
    );
  });
  register(CommandId.OpenSnapshot, async () => {
    const uris = await vscode.window.showOpenDialog({
      canSelectMany: false,
      title: 'Open a Kafka Group Debugger snapshot',
      filters: { 'Snapshot (JSON)': ['json'] },
    });
    const uri = uris?.[0];
    if (uri === undefined) return;
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > 200 * 1024 * 1024)
      throw new UserFacingError('that file is larger than 200 MB; is it a snapshot?');
    const label = vscode.workspace.asRelativePath(uri);
    const file = parseSnapshotFile(new TextDecoder().decode(bytes), label);
    registry.add(new FileSource(label, file));
    const first = file.groups[0];
    if (first !== undefined) services.openDashboard(`file/${label}`, first.snapshot.groupId);
  });
  register(CommandId.CloseSource, async (arg) => {
    const id = refOf(arg).sourceId ?? (await pickSource(registry));
    if (id === undefined) return;
    if (id === 'simulator') simulator.stop();
    else registry.remove(id);
  });
}

function exportText(
  source: GroupSource,
  groupId: string,
  snapshot: GroupSnapshot,
  services: CommandServices,
): string {
  const history = source.history(groupId).slice(-500);
  const events = source.events(groupId).slice(-5000);
  return serializeSnapshotFile(
    buildSnapshotFile(
      [{ snapshot, history, events }],
      `Kafka Group Debugger ${services.extensionVersion}`,
      new Date(),
    ),
  );
}

function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'group';
}

/** Kafka's clients accept any client.id; the simulator only keeps it printable and bounded. */
const MAX_CLIENT_ID = 255;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The source a command applies to when it was run without one: asked, if there is a choice. */
async function pickSource(registry: SourceRegistry): Promise<string | undefined> {
  const sources = registry.all();
  if (sources.length === 0) throw new UserFacingError('no source is open: there is nothing to close.');
  return (
    await vscode.window.showQuickPick(
      sources.map((source) => ({ label: source.label, description: source.status().detail, id: source.id })),
      { title: 'Close which source?' },
    )
  )?.id;
}

async function pickGroup(s: SimulatorSource): Promise<string | undefined> {
  const groups = s.groups();
  if (groups.length === 1) return groups[0].groupId;
  return (
    await vscode.window.showQuickPick(
      groups.map((g) => ({ label: g.groupId, description: `${g.state} · ${g.memberCount} members` })),
      { title: 'Which group?' },
    )
  )?.label;
}

async function pickAnyGroup(
  registry: SourceRegistry,
): Promise<{ source: GroupSource; groupId: string } | undefined> {
  const items = registry.all().flatMap((source) =>
    source.groups().map((g) => ({
      label: g.groupId,
      description: `${source.label} · ${g.state} · ${g.protocol}`,
      source,
      groupId: g.groupId,
    })),
  );
  if (items.length === 0) {
    throw new UserFacingError('there are no groups yet. Start the simulator or open a snapshot file first.');
  }
  if (items.length === 1) return items[0];
  return vscode.window.showQuickPick(items, { title: 'Which group?', matchOnDescription: true });
}

/** The simulated member a command applies to: from the tree node, or picked from the running ones. */
async function memberName(s: SimulatorSource, arg: unknown, title: string): Promise<string | undefined> {
  const memberId = refOf(arg).memberId;
  if (memberId !== undefined) {
    const name = s.simulation.memberName(memberId);
    if (name === undefined) throw new UserFacingError('that member is not one of the simulator’s consumers');
    return name;
  }
  const members = s.simulation.members().filter((m) => m.alive);
  if (members.length === 0) throw new UserFacingError('no simulated consumer is running');
  return (
    await vscode.window.showQuickPick(
      members.map((m) => ({
        label: m.name,
        description: `${m.groupId} · ${m.protocol}${m.instanceId !== null ? ` · static ${m.instanceId}` : ''}`,
      })),
      { title },
    )
  )?.label;
}
