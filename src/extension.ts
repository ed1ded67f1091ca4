import type * as vscode from 'vscode';
import { diagnose } from './diagnostics/rules';
import { memberLabels } from './model';
import { SourceRegistry } from './sources/registry';
import type { KafkaGroupsApi } from './ui/api';
import { registerClusterCommands } from './ui/clusters/commands';
import { registerCommands } from './ui/commands/register';
import { registerDashboard } from './ui/dashboard/panel';
import { createLog } from './ui/log';
import { simulatorSettings } from './ui/settings';
import { SimulatorController } from './ui/simulator/controller';
import { loadSimulationFactory } from './ui/simulator/engine';
import { registerGroupsView } from './ui/tree/register';

/** Builds the object graph and registers every feature. Nothing else happens here. */
export function activate(context: vscode.ExtensionContext): KafkaGroupsApi {
  const started = performance.now();
  const log = createLog(context);
  const registry = new SourceRegistry();
  context.subscriptions.push({ dispose: () => registry.dispose() });
  const simulator = new SimulatorController(registry, log, loadSimulationFactory);
  context.subscriptions.push(simulator);
  const groups = registerGroupsView(context, registry);
  const dashboards = registerDashboard(context, {
    extensionUri: context.extensionUri,
    log,
    sources: {
      get: (id) => registry.get(id),
      onDidChange: (listener) => registry.onDidChange(() => listener()),
    },
    diagnose: ({ history, events }) => {
      const snapshot = history[history.length - 1];
      if (snapshot === undefined) return [];
      const labels = memberLabels(snapshot);
      return diagnose({ snapshot, events, nowMs: snapshot.timeMs, label: (id) => labels.get(id) ?? id });
    },
  });
  registerCommands(context, {
    registry,
    simulator,
    log,
    refreshTree: () => groups.provider.refresh(),
    openDashboard: (sourceId, groupId) => dashboards.open(sourceId, groupId),
    extensionVersion: extensionVersion(context),
  });
  registerClusterCommands(context, {
    registry,
    log,
    simulator,
    groupsView: groups.view,
    openDashboard: (sourceId, groupId) => dashboards.open(sourceId, groupId),
  });
  if (simulatorSettings().autoStart) {
    simulator.start().catch((err: unknown) => log.error('the simulator could not start', err));
  }
  const moduleStart = (globalThis as { __kgdModuleStart?: number }).__kgdModuleStart;
  log.info(
    `activated in ${(performance.now() - started).toFixed(1)} ms` +
      (moduleStart !== undefined
        ? ` (the bundle ran ${(started - moduleStart).toFixed(1)} ms before that)`
        : ''),
  );
  return { apiVersion: 1, groupsTree: groups.provider, simulator: () => simulator.info() };
}

function extensionVersion(context: vscode.ExtensionContext): string {
  const v = (context.extension.packageJSON as { version?: unknown }).version;
  return typeof v === 'string' ? v : 'unknown';
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
