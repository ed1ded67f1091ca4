import * as vscode from 'vscode';
import type { Deadline, KafkaClient } from '../../kafka/client';
import type { GroupSnapshot } from '../../model';
import { UserFacingError } from '../errors';
import type { ClusterConfig } from './config';
import type { ClusterManager, KafkaClusterSource } from './manager';

/** Errors from src/kafka whose messages already say what failed and what to try. */
const KAFKA_USER_ERRORS = new Set([
  'KafkaConnectionError',
  'OperationTimeoutError',
  'KafkaProtocolError',
  'ConnectionSettingsError',
  'UnsupportedApiError',
  'ResetError',
]);

/** The user gave up (Esc, or Cancel on a progress notification): end quietly. */
export class Cancelled extends Error {
  override readonly name = 'Cancelled';
  constructor() {
    super('cancelled');
  }
}

/** Turns a Kafka problem into a warning that says what to do; other errors stay errors. */
export function asUserFacing(e: unknown): unknown {
  if (e instanceof Error && KAFKA_USER_ERRORS.has(e.name)) return new UserFacingError(e.message);
  return e;
}

/** What a command needs to know about its arguments (a tree node, or plain data from a caller). */
export interface CommandRef {
  readonly sourceId?: string;
  readonly groupId?: string;
  readonly memberId?: string;
  readonly topic?: string;
  /** A cluster name, for callers that are not the tree. */
  readonly cluster?: string;
}

export function refOf(arg: unknown): CommandRef {
  if (typeof arg !== 'object' || arg === null) return {};
  const maybeNode = arg as { descriptor?: { ref?: unknown } };
  const ref = (maybeNode.descriptor?.ref ?? arg) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length < 1000 ? v : undefined);
  const out: { -readonly [K in keyof CommandRef]: CommandRef[K] } = {};
  for (const k of ['sourceId', 'groupId', 'memberId', 'topic', 'cluster'] as const) {
    const v = str(ref[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The cluster a command is about: from the node, the argument, or a pick. */
export async function resolveCluster(
  manager: ClusterManager,
  arg: unknown,
  title: string,
  filter: (c: ClusterConfig) => boolean = () => true,
): Promise<ClusterConfig | undefined> {
  const ref = refOf(arg);
  const byId = ref.sourceId !== undefined ? manager.bySourceId(ref.sourceId)?.config : undefined;
  const named = byId ?? (ref.cluster !== undefined ? manager.config(ref.cluster) : undefined);
  if (named !== undefined) return named;
  if (ref.cluster !== undefined || ref.sourceId?.startsWith('cluster/') === true)
    throw new UserFacingError(
      `there is no cluster "${ref.cluster ?? ref.sourceId?.slice(8)}" in kafkaGroups.clusters`,
    );
  const clusters = manager.clusters().filter(filter);
  if (clusters.length === 0) {
    throw new UserFacingError(
      manager.clusters().length === 0
        ? 'no Kafka cluster is configured yet. Run "Kafka Groups: Add Cluster…" or "Import Cluster from .properties…".'
        : 'no configured cluster fits this command.',
    );
  }
  if (clusters.length === 1) return clusters[0];
  const pick = await vscode.window.showQuickPick(
    clusters.map((c) => ({
      label: c.name,
      description: `${c.settings.bootstrapServers.join(',')} · ${c.securityProtocol}`,
      config: c,
    })),
    { title, matchOnDescription: true },
  );
  return pick?.config;
}

export interface ClusterGroup {
  readonly config: ClusterConfig;
  readonly source: KafkaClusterSource;
  readonly groupId: string;
  /** The latest snapshot the source has of the group, if any. */
  readonly snapshot: GroupSnapshot | undefined;
}

/** The cluster group a command is about: from the tree node, or picked (cluster, then group). */
export async function resolveGroup(
  manager: ClusterManager,
  arg: unknown,
  title: string,
): Promise<ClusterGroup | undefined> {
  const ref = refOf(arg);
  if (ref.sourceId !== undefined && !ref.sourceId.startsWith('cluster/')) {
    throw new UserFacingError(
      'this works on groups of a real cluster only (the simulator and snapshot files cannot be changed).',
    );
  }
  const config = await resolveCluster(manager, arg, `${title}: which cluster?`);
  if (config === undefined) return undefined;
  const source = manager.source(config.name);
  if (source === undefined) throw new UserFacingError(`cluster "${config.name}" is not available`);
  let groupId = ref.groupId;
  if (groupId === undefined) {
    const groups = await withProgress(`Listing the groups of ${config.name}…`, async () => {
      await source.refresh();
      return source.groups();
    });
    const typed = { label: '$(edit) Enter a group id…', description: '', groupId: '' };
    const pick = await vscode.window.showQuickPick(
      [
        ...groups.map((g) => ({
          label: g.groupId,
          description: `${g.state} · ${g.protocol} · ${g.memberCount} member${g.memberCount === 1 ? '' : 's'}`,
          groupId: g.groupId,
        })),
        typed,
      ],
      { title: `${title}: which group of ${config.name}?`, matchOnDescription: true },
    );
    if (pick === undefined) return undefined;
    groupId =
      pick === typed
        ? await vscode.window.showInputBox({
            title: `${title}: group id`,
            validateInput: (v) => (v.trim() === '' ? 'Enter the group id.' : null),
          })
        : pick.groupId;
    if (groupId === undefined) return undefined;
  }
  // The list describes groups without offsets; the actions want topics with partition counts and
  // the committed offsets, so take a fresh snapshot unless a view keeps one up to date already.
  let snapshot = source.snapshot(groupId);
  if (snapshot?.lag == null || snapshot.stale !== null) {
    const id = groupId;
    snapshot = await withProgress(`Describing ${id} on ${config.name}…`, () => source.fresh(id)).catch(
      (e: unknown) => {
        if (e instanceof Cancelled) throw e;
        // A group that does not exist yet can still get offsets (a reset creates them): go on.
        return source.snapshot(id);
      },
    );
  }
  return { config, source, groupId, snapshot };
}

/**
 * Runs Kafka work under a cancellable progress notification. Cancelling gives the operation up at
 * once (its deadline is cancelled; a request in flight ends by its own timeout, unseen).
 */
export function withProgress<T>(
  title: string,
  run: (token: vscode.CancellationToken) => Promise<T>,
  cancellable = true,
): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable },
      (_progress, token) =>
        new Promise<T>((resolve, reject) => {
          const sub = token.onCancellationRequested(() => reject(new Cancelled()));
          run(token)
            .then(resolve, reject)
            .finally(() => {
              sub.dispose();
            });
        }),
    ),
  );
}

/** One operation within the client's timeout; cancelling the token cancels its deadline. */
export function operation<T>(
  client: KafkaClient,
  name: string,
  token: vscode.CancellationToken,
  fn: (d: Deadline) => Promise<T>,
): Promise<T> {
  return client.withDeadline(name, (d) => {
    const sub = token.onCancellationRequested(() => d.cancel());
    return fn(d).finally(() => {
      sub.dispose();
    });
  });
}

/** Opens Markdown as an untitled document, with its preview beside it. */
export async function openMarkdown(content: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands
    .executeCommand('markdown.showPreviewToSide', doc.uri)
    .then(undefined, () => undefined);
  return doc;
}

/** Asks for confirmation in a modal dialog; true only when the user chose `action`. */
export async function confirmModal(message: string, detail: string, action: string): Promise<boolean> {
  const pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
  return pick === action;
}
