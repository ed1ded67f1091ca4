/**
 * Every command the extension registers, declared here and nowhere else.
 *
 * - Name them `kafkaGroups.<area>.<verb>` and give each one an entry in package.json
 *   `contributes.commands` (category "Kafka Groups"); hide internal ones from the palette with
 *   `"when": "false"` under `menus.commandPalette`.
 * - Register them through `CommandId.X`, never a string literal.
 *
 * `scripts/check-manifest.mjs` (the `static` test suite) checks that this enum and package.json
 * list the same ids and that every id is used outside this file; the `editor` suite checks at run
 * time that each one is registered and runs from `executeCommand`.
 */
export const enum CommandId {
  StartSimulator = 'kafkaGroups.simulator.start',
  RunScenario = 'kafkaGroups.simulator.runScenario',
  StopSimulator = 'kafkaGroups.simulator.stop',
  Play = 'kafkaGroups.simulator.play',
  Pause = 'kafkaGroups.simulator.pause',
  Step = 'kafkaGroups.simulator.step',
  SetSpeed = 'kafkaGroups.simulator.setSpeed',
  RestartScenario = 'kafkaGroups.simulator.restartScenario',
  SwitchProtocol = 'kafkaGroups.simulator.switchProtocol',
  AddMember = 'kafkaGroups.simulator.addMember',
  CrashMember = 'kafkaGroups.simulator.crashMember',
  SlowMember = 'kafkaGroups.simulator.slowMember',
  RestartMember = 'kafkaGroups.simulator.restartMember',
  AddPartitions = 'kafkaGroups.simulator.addPartitions',
  ChangeSubscription = 'kafkaGroups.simulator.changeSubscription',
  OpenDashboard = 'kafkaGroups.dashboard.open',
  Refresh = 'kafkaGroups.view.refresh',
  ExportSnapshot = 'kafkaGroups.snapshot.export',
  OpenSnapshot = 'kafkaGroups.snapshot.open',
  CloseSource = 'kafkaGroups.source.close',
  AddCluster = 'kafkaGroups.cluster.add',
  ImportCluster = 'kafkaGroups.cluster.importProperties',
  TestConnection = 'kafkaGroups.cluster.testConnection',
  DiagnoseConnection = 'kafkaGroups.cluster.diagnose',
  SetClusterPassword = 'kafkaGroups.cluster.setPassword',
  RefreshCluster = 'kafkaGroups.cluster.refresh',
  RemoveCluster = 'kafkaGroups.cluster.remove',
  ResetOffsets = 'kafkaGroups.group.resetOffsets',
  DeleteGroup = 'kafkaGroups.group.delete',
  DeleteOffsets = 'kafkaGroups.group.deleteOffsets',
  RemoveStaticMember = 'kafkaGroups.member.removeStatic',
  CopyKafkaCommand = 'kafkaGroups.group.copyKafkaCommand',
  ReplayInSimulator = 'kafkaGroups.group.replayInSimulator',
}
