import * as vscode from 'vscode';
import type { SourceRegistry } from '../../sources/registry';
import { SimulatorSource, type SimulationFactory } from '../../sources/simulator-source';
import { builtinScenarios, builtinScenario } from '../../simulator/scenario/builtins';
import type { ProtocolVariant, Scenario } from '../../simulator/scenario/schema';
import type { SimulatorInfo } from '../api';
import { simulatorSettings } from '../settings';
import { UserFacingError } from '../errors';
import { CommandId } from '../commands/ids';

/**
 * Owns the simulator source: starts it (from settings or a chosen scenario), keeps it in the
 * source registry, and shows its clock in the status bar. Every view reads the simulator through
 * the registry like any other source.
 */
export class SimulatorController implements vscode.Disposable {
  private current: SimulatorSource | undefined;
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private statusTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private contextRunning: boolean | undefined;
  private contextPlaying: boolean | undefined;
  private factory: SimulationFactory | undefined;

  constructor(
    private readonly registry: SourceRegistry,
    private readonly log: vscode.LogOutputChannel,
    private readonly loadFactory: () => Promise<SimulationFactory>,
  ) {
    this.status = vscode.window.createStatusBarItem(
      'kafkaGroups.simulator',
      vscode.StatusBarAlignment.Left,
      50,
    );
    this.status.name = 'Kafka Groups Simulator';
    this.disposables.push(
      this.status,
      vscode.workspace.onDidChangeConfiguration((e) => this.onConfiguration(e)),
    );
  }

  get source(): SimulatorSource | undefined {
    return this.current;
  }

  /** What runs, for the extension's API; undefined when the simulator is stopped. */
  info(): SimulatorInfo | undefined {
    const s = this.current;
    if (s === undefined) return undefined;
    return {
      scenario: s.currentScenario.name,
      variant: s.simulation.variant ?? 'consumer',
      ordering: s.ordering,
      speed: s.speed,
      playing: s.isPlaying,
      clockMs: s.simulation.now(),
    };
  }

  /** The running simulator, or a message telling the user how to start one. */
  require(): SimulatorSource {
    if (this.current === undefined) {
      throw new UserFacingError(
        'The simulator is not running. Start it with "Kafka Groups: Start Simulator".',
      );
    }
    return this.current;
  }

  /**
   * Starts (or restarts) the simulator on a scenario, playing at the configured speed. The engine
   * is its own bundle, loaded the first time (activation does not pay for it).
   */
  async start(scenario?: Scenario, variant?: ProtocolVariant): Promise<SimulatorSource> {
    if (this.factory === undefined) {
      const started = performance.now();
      this.factory = await this.loadFactory();
      this.log.info(`simulator engine loaded in ${(performance.now() - started).toFixed(1)} ms`);
    }
    return this.startLoaded(this.factory, scenario, variant);
  }

  private startLoaded(
    factory: SimulationFactory,
    scenario?: Scenario,
    variant?: ProtocolVariant,
  ): SimulatorSource {
    const settings = simulatorSettings();
    const chosen = scenario ?? this.scenarioFromSettings();
    const options = { variant: variant ?? settings.protocol, ordering: settings.ordering };
    if (this.current !== undefined) {
      this.current.load(chosen, options);
    } else {
      const source = new SimulatorSource(factory, chosen, options);
      source.setSpeed(settings.speed);
      this.current = source;
      this.registry.add(source);
      this.unsubscribe = source.onDidChange(() => this.scheduleStatus());
    }
    this.current.play();
    this.log.info(
      `simulator: ${chosen.name} under the ${options.variant} protocol at ${this.current.speed}×`,
    );
    this.updateStatus();
    return this.current;
  }

  stop(): void {
    if (this.current === undefined) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.registry.remove(this.current.id);
    this.current = undefined;
    this.updateStatus();
    this.log.info('simulator stopped');
  }

  dispose(): void {
    if (this.statusTimer !== undefined) clearTimeout(this.statusTimer);
    this.stop();
    for (const d of this.disposables) d.dispose();
  }

  private scenarioFromSettings(): Scenario {
    const name = simulatorSettings().scenario;
    const s = builtinScenario(name);
    if (s !== undefined) return s;
    const message =
      `there is no built-in scenario "${name}" (setting kafkaGroups.simulator.scenario); running "${builtinScenarios()[0].name}". ` +
      `Built-ins: ${builtinScenarios()
        .map((b) => b.name)
        .join(', ')}.`;
    this.log.warn(message);
    void vscode.window.showWarningMessage(`Kafka Groups: ${message}`);
    return builtinScenarios()[0];
  }

  private onConfiguration(e: vscode.ConfigurationChangeEvent): void {
    const settings = simulatorSettings();
    if (this.current === undefined) {
      // Turning autoStart on is asking for the simulator now, not at the next window reload.
      if (e.affectsConfiguration('kafkaGroups.simulator.autoStart') && settings.autoStart) {
        this.start().catch((err: unknown) => this.log.error('the simulator could not start', err));
      }
      return;
    }
    if (e.affectsConfiguration('kafkaGroups.simulator.speed')) this.current.setSpeed(settings.speed);
    if (e.affectsConfiguration('kafkaGroups.simulator.scenario')) {
      const s = builtinScenario(settings.scenario);
      if (s === undefined) {
        const message =
          `there is no built-in scenario "${settings.scenario}" (setting kafkaGroups.simulator.scenario); ` +
          `the simulator keeps running "${this.current.currentScenario.name}". ` +
          `Built-ins: ${builtinScenarios()
            .map((b) => b.name)
            .join(', ')}.`;
        this.log.warn(message);
        void vscode.window.showWarningMessage(`Kafka Groups: ${message}`);
      } else if (this.factory !== undefined) this.startLoaded(this.factory, s);
    }
    if (e.affectsConfiguration('kafkaGroups.simulator.protocol'))
      this.current.switchProtocol(settings.protocol);
    if (e.affectsConfiguration('kafkaGroups.simulator.ordering')) this.current.setOrdering(settings.ordering);
    this.updateStatus();
  }

  private scheduleStatus(): void {
    if (this.statusTimer !== undefined) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      this.updateStatus();
    }, 250);
  }

  private updateStatus(): void {
    const s = this.current;
    const running = s !== undefined;
    const playing = s?.isPlaying === true;
    if (running !== this.contextRunning || playing !== this.contextPlaying) {
      this.contextRunning = running;
      this.contextPlaying = playing;
      void vscode.commands.executeCommand('setContext', 'kafkaGroups.simulatorRunning', running);
      void vscode.commands.executeCommand('setContext', 'kafkaGroups.simulatorPlaying', playing);
    }
    if (s === undefined) {
      this.status.hide();
      return;
    }
    const st = s.status();
    this.status.text = `$(${s.isPlaying ? 'debug-pause' : 'play'}) ${st.detail}`;
    this.status.tooltip = s.isPlaying
      ? 'Simulator running — click to pause'
      : 'Simulator paused — click to play';
    this.status.command = s.isPlaying ? CommandId.Pause : CommandId.Play;
    this.status.accessibilityInformation = {
      label: `Kafka Groups simulator ${s.isPlaying ? 'running' : 'paused'}: ${st.detail}`,
    };
    this.status.show();
  }
}
