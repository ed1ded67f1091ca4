import type * as vscode from 'vscode';
import type { OrderingMode } from '../simulator/assignors/api';
import type { ProtocolVariant } from '../simulator/scenario/schema';
import type { TreeNode } from './tree/provider';

/**
 * What `activate()` returns (`vscode.extensions.getExtension(id).exports`): a small read-only view
 * of the running extension, so the in-editor tests can check what the Groups view holds and what
 * the simulator runs without scraping the screen. Nothing here changes state; commands do that.
 */
export interface KafkaGroupsApi {
  /** Bumped when this shape changes incompatibly. */
  readonly apiVersion: 1;
  /** The Groups tree's data provider, read exactly as VS Code reads it to draw the view. */
  readonly groupsTree: Pick<
    vscode.TreeDataProvider<TreeNode>,
    'getChildren' | 'getTreeItem' | 'getParent' | 'onDidChangeTreeData'
  >;
  /** The simulator as the status bar shows it; undefined when it is not running. */
  simulator(): SimulatorInfo | undefined;
}

export interface SimulatorInfo {
  /** The scenario's name (a built-in's id, or the name in a scenario file). */
  readonly scenario: string;
  readonly variant: ProtocolVariant;
  /** How the simulated assignors iterate: `exact` (Kafka's order) or `canonical` (sorted). */
  readonly ordering: OrderingMode;
  /** Virtual time per real second, 1 to 1000. */
  readonly speed: number;
  readonly playing: boolean;
  /** Virtual time, in milliseconds since the scenario started. */
  readonly clockMs: number;
}

export type { TreeNode } from './tree/provider';
