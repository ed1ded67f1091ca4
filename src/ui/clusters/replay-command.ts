import * as vscode from 'vscode';
import type { SourceRegistry } from '../../sources/registry';
import { ReplayError, replayScenario } from '../../sources/replay';
import type { GroupSource } from '../../sources/source';
import { UserFacingError } from '../errors';
import type { SimulatorController } from '../simulator/controller';
import { ClusterSource } from '../../sources/cluster-source';
import { refOf, withProgress } from './common';

/**
 * "Replay in Simulator": the group's latest description (any source but the simulator itself) →
 * a scenario that starts from the described state (same member ids, epochs and assignments) → the
 * simulator, started on it, with the group's dashboard. The notes (what differs from the real
 * group, and why the group forms again where its state cannot be loaded) go to the log and a
 * message; the scenario file can be opened to save or edit.
 */
export async function replayInSimulator(
  registry: SourceRegistry,
  simulator: SimulatorController,
  openDashboard: (sourceId: string, groupId: string) => void,
  log: vscode.LogOutputChannel,
  arg: unknown,
): Promise<string | undefined> {
  const ref = refOf(arg);
  let source: GroupSource | undefined = ref.sourceId !== undefined ? registry.get(ref.sourceId) : undefined;
  let groupId = ref.groupId;
  if (source === undefined || groupId === undefined) {
    const items = registry
      .all()
      .filter((s) => s.kind !== 'simulator')
      .flatMap((s) =>
        s
          .groups()
          .filter((g) => s.snapshot(g.groupId) !== undefined && g.memberCount > 0)
          .map((g) => ({
            label: g.groupId,
            description: `${s.label} · ${g.state} · ${g.memberCount} member${g.memberCount === 1 ? '' : 's'}`,
            source: s,
            groupId: g.groupId,
          })),
      );
    if (items.length === 0) {
      throw new UserFacingError(
        'there is no described group with members to replay. Connect a cluster (or open a snapshot file) and expand a group first.',
      );
    }
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Replay which group in the simulator?',
      matchOnDescription: true,
    });
    if (pick === undefined) return undefined;
    source = pick.source;
    groupId = pick.groupId;
  }
  if (source.kind === 'simulator') {
    throw new UserFacingError(
      'this group is in the simulator already; use its controls (add, crash, slow members) for what-ifs',
    );
  }
  let snapshot = source.snapshot(groupId);
  if (source instanceof ClusterSource && (snapshot?.lag == null || snapshot.stale !== null)) {
    // Listed groups are described without offsets and so without their topics' partition counts.
    const cluster = source;
    const id = groupId;
    snapshot = await withProgress(`Describing ${id} on ${cluster.label}…`, () => cluster.fresh(id));
  }
  if (snapshot === undefined) {
    throw new UserFacingError(
      `${groupId} has not been described yet; expand it in the tree (or open its dashboard) and try again`,
    );
  }
  let replay;
  try {
    replay = replayScenario(snapshot, { history: source.history(groupId), at: new Date() });
  } catch (e) {
    if (e instanceof ReplayError) throw new UserFacingError(e.message);
    throw e;
  }
  await simulator.start(replay.scenario, replay.variant);
  const simulatedGroup = replay.scenario.groups[0]?.id ?? groupId;
  openDashboard('simulator', simulatedGroup);
  log.info(`replay of ${groupId} from ${source.id}: ${replay.notes.join(' ')}`);
  const show = 'Show Scenario File';
  const content = `${JSON.stringify(replay.file, null, 2)}\n`;
  void vscode.window
    .showInformationMessage(
      `Kafka Groups: replaying ${groupId} in the simulator (${replay.scenario.groups[0]?.members.length ?? 0} members, ${replay.scenario.topics.length} topics, ${replay.variant} protocol). ${replay.notes[replay.notes.length - 1] ?? ''}`,
      show,
    )
    .then(async (pick) => {
      if (pick !== show) return;
      const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
      await vscode.window.showTextDocument(doc, { preview: false });
    });
  return simulatedGroup;
}
