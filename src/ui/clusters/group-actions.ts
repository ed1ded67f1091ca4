/**
 * Actions on a real cluster's groups: reset offsets (dry run first, CSV export, modal
 * confirmation, Empty groups only), delete a group, delete a topic's offsets, remove a static
 * member, and "Copy as kafka-consumer-groups command". Each one is the src/kafka operation the CLI
 * uses; the Kafka work runs under a progress notification, cancellable until something is written.
 */
import * as vscode from 'vscode';
import type { GroupAction } from '../../kafka/kafka-command';
import { clientProperties, kafkaConsumerGroupsCommand } from '../../kafka/kafka-command';
import {
  ResetError,
  parseResetDateTime,
  type ResetPlan,
  type ResetScope,
  type ResetSpec,
} from '../../kafka/reset';
import { UserFacingError } from '../errors';
import {
  confirmModal,
  openMarkdown,
  operation,
  refOf,
  resolveGroup,
  withProgress,
  type ClusterGroup,
} from './common';
import { knownTopics, parseBackDuration } from './inputs';
import { loadKafka } from './kafka';
import type { ClusterManager } from './manager';
import { describeScope, describeSpec, resetPlanMarkdown } from './reports';

async function pickTopic(
  g: ClusterGroup,
  title: string,
): Promise<{ name: string; partitions: number | null } | undefined> {
  const topics = knownTopics(g.snapshot);
  const other: {
    label: string;
    description: string;
    topic: { name: string; partitions: number | null } | null;
  } = {
    label: '$(edit) Another topic…',
    description: '',
    topic: null,
  };
  const pick = await vscode.window.showQuickPick(
    [
      ...topics.map((t) => ({
        label: t.name,
        description: t.partitions === null ? '' : `${t.partitions} partitions`,
        topic: t,
      })),
      other,
    ],
    { title },
  );
  if (pick === undefined) return undefined;
  if (pick.topic !== null) return pick.topic;
  const name = await vscode.window.showInputBox({
    title,
    prompt: 'Topic name',
    validateInput: (v) =>
      /^[A-Za-z0-9._-]{1,249}$/.test(v.trim()) ? null : 'A topic name: letters, digits, ".", "_", "-".',
  });
  return name === undefined ? undefined : { name: name.trim(), partitions: null };
}

async function pickScope(g: ClusterGroup): Promise<ResetScope | undefined> {
  const kind = await vscode.window.showQuickPick(
    [
      {
        label: 'All topics',
        detail: 'Every topic the group has committed offsets for (--all-topics)',
        choice: 'all' as const,
      },
      { label: 'One topic…', detail: 'All partitions of one topic (--topic T)', choice: 'topic' as const },
      {
        label: 'Some partitions of a topic…',
        detail: 'Chosen partitions (--topic T:0,1,2)',
        choice: 'partitions' as const,
      },
    ],
    { title: `Reset offsets of ${g.groupId}: which partitions?` },
  );
  if (kind === undefined) return undefined;
  if (kind.choice === 'all') return { kind: 'all-topics' };
  const topic = await pickTopic(g, `Reset offsets of ${g.groupId}: which topic?`);
  if (topic === undefined) return undefined;
  if (kind.choice === 'topic') return { kind: 'topics', topics: [{ topic: topic.name, partitions: null }] };
  let partitions: number[] | undefined;
  if (topic.partitions !== null) {
    const picks = await vscode.window.showQuickPick(
      Array.from({ length: topic.partitions }, (_, p) => {
        const lag = g.snapshot?.lag?.partitions.find((x) => x.topic === topic.name && x.partition === p);
        return {
          label: `${topic.name}-${p}`,
          description:
            lag === undefined
              ? ''
              : lag.committedOffset === null
                ? 'no commit'
                : `committed ${lag.committedOffset}, lag ${lag.lag ?? '?'}`,
          partition: p,
        };
      }),
      { title: `Reset offsets of ${g.groupId}: which partitions of ${topic.name}?`, canPickMany: true },
    );
    if (picks === undefined || picks.length === 0) return undefined;
    partitions = picks.map((p) => p.partition);
  } else {
    const text = await vscode.window.showInputBox({
      title: `Reset offsets of ${g.groupId}: which partitions of ${topic.name}?`,
      prompt: 'Partition numbers separated by commas',
      placeHolder: '0,1,2',
      validateInput: (v) => (/^\s*\d+(\s*,\s*\d+)*\s*$/.test(v) ? null : 'Partition numbers, e.g. 0,1,2'),
    });
    if (text === undefined) return undefined;
    partitions = [...new Set(text.split(',').map((p) => Number(p.trim())))].sort((a, b) => a - b);
  }
  return { kind: 'topics', topics: [{ topic: topic.name, partitions }] };
}

async function pickSpec(groupId: string): Promise<ResetSpec | undefined> {
  const title = `Reset offsets of ${groupId}: to where?`;
  const kind = await vscode.window.showQuickPick(
    [
      {
        label: 'Earliest',
        detail: 'The log start: read everything still retained again (--to-earliest)',
        choice: 'earliest' as const,
      },
      {
        label: 'Latest',
        detail: 'The log end: skip everything not read yet (--to-latest)',
        choice: 'latest' as const,
      },
      {
        label: 'A date and time…',
        detail: 'The first record at or after it (--to-datetime)',
        choice: 'datetime' as const,
      },
      {
        label: 'A duration back…',
        detail: 'The first record at or after now minus it (--by-duration)',
        choice: 'duration' as const,
      },
      {
        label: 'A specific offset…',
        detail: 'Clamped into the log like Kafka does (--to-offset)',
        choice: 'offset' as const,
      },
      {
        label: 'Shift by…',
        detail: 'Move each partition’s committed offset by N, + or − (--shift-by)',
        choice: 'shift-by' as const,
      },
    ],
    { title },
  );
  if (kind === undefined) return undefined;
  switch (kind.choice) {
    case 'earliest':
    case 'latest':
      return { kind: kind.choice };
    case 'datetime': {
      const text = await vscode.window.showInputBox({
        title,
        prompt: 'ISO 8601 date-time; UTC unless it names a zone',
        value: new Date(Date.now() - 3_600_000).toISOString().replace(/Z$/, ''),
        validateInput: (v) => {
          try {
            parseResetDateTime(v.trim());
            return null;
          } catch (e) {
            return e instanceof Error ? e.message : String(e);
          }
        },
      });
      return text === undefined
        ? undefined
        : { kind: 'datetime', timestampMs: parseResetDateTime(text.trim()) };
    }
    case 'duration': {
      const text = await vscode.window.showInputBox({
        title,
        prompt: 'How far back: 1h30m, 15m, 2d, or ISO 8601 (PT1H30M)',
        value: '1h',
        validateInput: (v) => {
          const ms = parseBackDuration(v);
          return ms === null || ms <= 0 ? 'A duration such as 1h30m, 15m, 2d or PT1H' : null;
        },
      });
      const ms = text === undefined ? null : parseBackDuration(text);
      return ms === null ? undefined : { kind: 'duration', backMs: ms };
    }
    case 'offset': {
      const text = await vscode.window.showInputBox({
        title,
        prompt: 'The offset to commit for every chosen partition',
        validateInput: (v) =>
          /^\d+$/.test(v.trim()) && Number.isSafeInteger(Number(v)) ? null : 'A whole number ≥ 0',
      });
      return text === undefined ? undefined : { kind: 'offset', offset: Number(text.trim()) };
    }
    case 'shift-by': {
      const text = await vscode.window.showInputBox({
        title,
        prompt: 'Records to move each committed offset by: negative to read again, positive to skip',
        placeHolder: '-100',
        validateInput: (v) =>
          /^[+-]?\d+$/.test(v.trim()) && Number(v) !== 0 && Number.isSafeInteger(Number(v))
            ? null
            : 'A whole number other than 0, e.g. -100 or 50',
      });
      return text === undefined ? undefined : { kind: 'shift-by', by: Number(text.trim()) };
    }
  }
}

function csvFileName(groupId: string): string {
  return `${groupId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'group'}-reset.csv`;
}

async function exportCsv(plan: ResetPlan): Promise<void> {
  const kafka = await loadKafka();
  const uri = await vscode.window.showSaveDialog({
    title: `Export the reset plan of ${plan.groupId} (kafka-consumer-groups --export columns)`,
    defaultUri: vscode.Uri.file(csvFileName(plan.groupId)),
    filters: { CSV: ['csv'] },
  });
  if (uri === undefined) return;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(kafka.resetPlanCsv([plan])));
  void vscode.window.showInformationMessage(
    `Kafka Groups: saved ${vscode.workspace.asRelativePath(uri)} — apply it with kafka-consumer-groups --reset-offsets --from-file.`,
  );
}

async function copyCommand(g: ClusterGroup, action: GroupAction): Promise<void> {
  const line = kafkaConsumerGroupsCommand(action, g.config.settings);
  await vscode.env.clipboard.writeText(line);
  const needsProps = g.config.settings.tls !== null || g.config.settings.sasl !== null;
  if (!needsProps) {
    void vscode.window.showInformationMessage(`Kafka Groups: copied — ${line}`);
    return;
  }
  const open = 'Open client.properties';
  const pick = await vscode.window.showInformationMessage(
    `Kafka Groups: copied. The command reads the connection from client.properties (the password is left for you to fill in).`,
    open,
  );
  if (pick === open) {
    const doc = await vscode.workspace.openTextDocument({
      language: 'properties',
      content: clientProperties(g.config.settings),
    });
    await vscode.window.showTextDocument(doc, { preview: false });
  }
}

/** Reset Offsets…: scope, target, dry run (a document), then Export CSV / Copy / Reset (modal). */
export async function resetOffsets(manager: ClusterManager, arg: unknown): Promise<ResetPlan | undefined> {
  const g = await resolveGroup(manager, arg, 'Reset offsets');
  if (g === undefined) return undefined;
  const scope = await pickScope(g);
  if (scope === undefined) return undefined;
  const spec = await pickSpec(g.groupId);
  if (spec === undefined) return undefined;
  const kafka = await loadKafka();
  const client = await manager.client(g.config.name);
  const plan = await withProgress(`Planning the offset reset of ${g.groupId} (dry run)…`, (token) =>
    operation(client, 'planning an offset reset', token, (d) =>
      kafka.planReset(client, g.groupId, spec, scope, d),
    ),
  );
  const dryRun = kafkaConsumerGroupsCommand(
    { kind: 'reset', groups: [g.groupId], spec, scope, execute: false },
    g.config.settings,
  );
  await openMarkdown(resetPlanMarkdown(g.config.name, plan, scope, dryRun, new Date()));
  const summary = `${plan.rows.length} partition${plan.rows.length === 1 ? '' : 's'} of ${g.groupId} to ${describeSpec(spec)}`;
  for (;;) {
    const items = [
      ...(plan.refusal === null && plan.rows.length > 0
        ? [
            {
              label: '$(debug-restart) Reset Offsets…',
              detail: `Commit the new offsets (asks for confirmation): ${summary}`,
              id: 'reset' as const,
            },
          ]
        : []),
      {
        label: '$(save) Export CSV…',
        detail: 'topic,partition,offset — for kafka-consumer-groups --reset-offsets --from-file',
        id: 'csv' as const,
      },
      {
        label: '$(copy) Copy as kafka-consumer-groups Command',
        detail: 'The same reset with Kafka’s tool (--execute)',
        id: 'copy' as const,
      },
      { label: '$(close) Done', detail: 'Change nothing', id: 'done' as const },
    ];
    const next = await vscode.window.showQuickPick(items, {
      title:
        plan.refusal !== null
          ? `Cannot reset now: ${plan.refusal}`
          : `Dry run ready (see the document): ${summary}`,
      ignoreFocusOut: true,
    });
    if (next === undefined || next.id === 'done') return plan;
    if (next.id === 'csv') await exportCsv(plan);
    else if (next.id === 'copy')
      await copyCommand(g, { kind: 'reset', groups: [g.groupId], spec, scope, execute: true });
    else {
      const ok = await confirmModal(
        `Reset the committed offsets of group "${g.groupId}" on ${g.config.name}?`,
        `${summary}.\nScope: ${describeScope(scope)}.\nThe group must stay Empty: this is checked again right before the offsets are committed. This cannot be undone (the old offsets are in the dry-run document).`,
        'Reset Offsets',
      );
      if (!ok) continue;
      const result = await withProgress(
        `Resetting the offsets of ${g.groupId}…`,
        (token) => operation(client, 'resetting offsets', token, (d) => kafka.executeReset(client, plan, d)),
        false,
      ).catch((e: unknown) => {
        if (e instanceof ResetError) throw new UserFacingError(e.message);
        throw e;
      });
      const failed = result.failed.map((f) => `${f.topic}-${f.partition}: ${f.error}`);
      if (failed.length > 0) {
        void vscode.window.showWarningMessage(
          `Kafka Groups: reset ${result.committed} partitions of ${g.groupId}; ${failed.length} failed: ${failed.slice(0, 5).join('; ')}`,
        );
      } else {
        void vscode.window.showInformationMessage(
          `Kafka Groups: reset ${result.committed} partitions of ${g.groupId} to ${describeSpec(spec)}.`,
        );
      }
      void g.source.refresh().catch(() => undefined);
      return plan;
    }
  }
}

export async function deleteGroup(manager: ClusterManager, arg: unknown): Promise<boolean> {
  const g = await resolveGroup(manager, arg, 'Delete group');
  if (g === undefined) return false;
  const ok = await confirmModal(
    `Delete group "${g.groupId}" on ${g.config.name}?`,
    'Its committed offsets are deleted with it. Kafka deletes only a group without members (Empty); a consumer that starts later with this group id begins from auto.offset.reset.',
    'Delete Group',
  );
  if (!ok) return false;
  const kafka = await loadKafka();
  const client = await manager.client(g.config.name);
  const result = await withProgress(`Deleting group ${g.groupId}…`, (token) =>
    operation(client, 'deleting a group', token, (d) => kafka.deleteGroups(client, [g.groupId], d)),
  );
  const error = result.get(g.groupId);
  if (error !== null && error !== undefined)
    throw new UserFacingError(`${g.groupId} was not deleted: ${error.message}`);
  void vscode.window.showInformationMessage(`Kafka Groups: deleted group ${g.groupId} on ${g.config.name}.`);
  void g.source.refresh().catch(() => undefined);
  return true;
}

export async function deleteOffsets(manager: ClusterManager, arg: unknown): Promise<boolean> {
  const g = await resolveGroup(manager, arg, 'Delete offsets');
  if (g === undefined) return false;
  const refTopic = refOf(arg).topic;
  const topic =
    refTopic ?? (await pickTopic(g, `Delete the committed offsets of ${g.groupId} for which topic?`))?.name;
  if (topic === undefined) return false;
  const ok = await confirmModal(
    `Delete the committed offsets of group "${g.groupId}" for topic "${topic}" on ${g.config.name}?`,
    'The group then starts this topic from auto.offset.reset. Kafka refuses while a member of the group subscribes to the topic.',
    'Delete Offsets',
  );
  if (!ok) return false;
  const kafka = await loadKafka();
  const client = await manager.client(g.config.name);
  const outcomes = await withProgress(`Deleting the offsets of ${g.groupId} for ${topic}…`, (token) =>
    operation(client, 'deleting offsets', token, (d) =>
      kafka.deleteOffsets(client, g.groupId, [{ topic, partitions: null }], d),
    ),
  );
  const failed = outcomes.filter((o) => o.error !== null);
  if (failed.length > 0) {
    throw new UserFacingError(
      `${failed.length} of ${outcomes.length} partitions of ${topic} kept their offsets: ${failed
        .slice(0, 3)
        .map((f) => `${f.topic}-${f.partition}: ${f.error ?? ''}`)
        .join('; ')}`,
    );
  }
  void vscode.window.showInformationMessage(
    `Kafka Groups: deleted the offsets of ${g.groupId} for ${topic} (${outcomes.length} partitions).`,
  );
  void g.source.refresh().catch(() => undefined);
  return true;
}

export async function removeStaticMember(manager: ClusterManager, arg: unknown): Promise<boolean> {
  const g = await resolveGroup(manager, arg, 'Remove static member');
  if (g === undefined) return false;
  const memberId = refOf(arg).memberId;
  const statics = (g.snapshot?.members ?? []).filter((m) => m.instanceId !== null);
  let instanceId: string | undefined;
  if (memberId !== undefined) {
    const m = g.snapshot?.members.find((x) => x.memberId === memberId);
    if (m === undefined) throw new UserFacingError('that member is no longer in the group; refresh the view');
    if (m.instanceId === null)
      throw new UserFacingError(
        `${m.clientId} is not a static member (it has no group.instance.id); it leaves by itself when it stops`,
      );
    instanceId = m.instanceId;
  } else if (statics.length > 0) {
    instanceId = (
      await vscode.window.showQuickPick(
        statics.map((m) => ({
          label: m.instanceId ?? '',
          description: `${m.clientId} @ ${m.clientHost}`,
          id: m.instanceId ?? '',
        })),
        { title: `Remove which static member of ${g.groupId}?` },
      )
    )?.id;
  } else {
    instanceId = await vscode.window.showInputBox({
      title: `Remove a static member of ${g.groupId}`,
      prompt: 'Its group.instance.id',
      validateInput: (v) => (v.trim() === '' ? 'Enter the group.instance.id.' : null),
    });
  }
  if (instanceId === undefined) return false;
  const ok = await confirmModal(
    `Remove static member "${instanceId}" from group "${g.groupId}"?`,
    'Its partitions are reassigned now instead of after its session times out. If the consumer is still running, it rejoins as a new member.',
    'Remove Member',
  );
  if (!ok) return false;
  const kafka = await loadKafka();
  const client = await manager.client(g.config.name);
  const id = instanceId;
  const result = await withProgress(`Removing ${id} from ${g.groupId}…`, (token) =>
    operation(client, 'removing a static member', token, (d) =>
      kafka.removeStaticMembers(client, g.groupId, [id], d),
    ),
  );
  const error = result.get(id);
  if (error !== null && error !== undefined) throw new UserFacingError(`${id} was not removed: ${error}`);
  void vscode.window.showInformationMessage(`Kafka Groups: removed static member ${id} from ${g.groupId}.`);
  void g.source.refresh().catch(() => undefined);
  return true;
}

/** Copy as kafka-consumer-groups Command: describe, reset (dry run or execute), delete, delete offsets. */
export async function copyKafkaCommand(manager: ClusterManager, arg: unknown): Promise<string | undefined> {
  const g = await resolveGroup(manager, arg, 'Copy as kafka-consumer-groups command');
  if (g === undefined) return undefined;
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'Describe members', description: '--describe --members --verbose', id: 'members' as const },
      { label: 'Describe offsets and lag', description: '--describe', id: 'offsets' as const },
      { label: 'Describe state', description: '--describe --state --verbose', id: 'state' as const },
      { label: 'Reset offsets…', description: '--reset-offsets … --dry-run', id: 'reset' as const },
      { label: 'Delete the group', description: '--delete', id: 'delete' as const },
      {
        label: 'Delete a topic’s offsets…',
        description: '--delete-offsets --topic',
        id: 'delete-offsets' as const,
      },
    ],
    { title: `kafka-consumer-groups for ${g.groupId}: which action?` },
  );
  if (pick === undefined) return undefined;
  let action: GroupAction;
  switch (pick.id) {
    case 'members':
    case 'offsets':
    case 'state':
      action = { kind: 'describe', groups: [g.groupId], view: pick.id, verbose: pick.id !== 'offsets' };
      break;
    case 'reset': {
      const scope = await pickScope(g);
      if (scope === undefined) return undefined;
      const spec = await pickSpec(g.groupId);
      if (spec === undefined) return undefined;
      action = { kind: 'reset', groups: [g.groupId], spec, scope, execute: false };
      break;
    }
    case 'delete':
      action = { kind: 'delete', groups: [g.groupId] };
      break;
    case 'delete-offsets': {
      const topic = await pickTopic(g, `Delete the offsets of ${g.groupId} for which topic?`);
      if (topic === undefined) return undefined;
      action = { kind: 'delete-offsets', group: g.groupId, topics: [topic.name] };
      break;
    }
  }
  await copyCommand(g, action);
  return kafkaConsumerGroupsCommand(action, g.config.settings);
}
