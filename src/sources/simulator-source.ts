/**
 * The simulator as a GroupSource: it plays a Simulation against the wall clock at a chosen speed
 * (1×–1000×), can be paused and stepped, keeps a bounded history of snapshots and events per
 * group for the dashboard's scrubber, and applies the user's controls (add, crash, slow down,
 * restart members; add partitions; change subscriptions; switch protocol).
 */
import type {
  GroupEvent,
  GroupProtocol,
  GroupSnapshot,
  SimulatorCommand,
  SimulatorControlState,
} from '../model';
import type { OrderingMode } from '../simulator/assignors/api';
import { CLIENT_ASSIGNOR_NAMES } from '../simulator/assignors/names';
import { builtinScenarios, builtinScenario } from '../simulator/scenario/builtins';
import { DEFAULT_BEHAVIOUR } from '../simulator/members/config';
import type { ControllableSource, SimulatorControls } from './controls';
import type { Simulation, SimulationOptions } from '../simulator/engine/simulation';
import type { MemberBehaviour } from '../simulator/members/config';
import { formatClock } from '../simulator/scenario/duration';
import type { ProtocolVariant, Scenario, ScenarioMember } from '../simulator/scenario/schema';
import { Emitter, type Listener, type Unsubscribe } from './emitter';
import type { GroupSource, GroupSummary, SourceChange, SourceStatus } from './source';

/** Wall-clock services, injected so tests can drive time by hand. */
export interface Ticker {
  now(): number;
  every(ms: number, fn: () => void): { cancel(): void };
}

export const realTicker: Ticker = {
  now: () => performance.now(),
  every: (ms, fn) => {
    const h = setInterval(fn, ms);
    return { cancel: () => clearInterval(h) };
  },
};

export type SimulationFactory = (scenario: Scenario, options: SimulationOptions) => Simulation;

export interface SimulatorSourceOptions {
  readonly ticker?: Ticker;
  /** Wall-clock milliseconds between playback ticks (default 50). */
  readonly tickMs?: number;
  /** Wall-clock budget per tick for simulation work, so the host stays responsive (default 25 ms). */
  readonly budgetMs?: number;
  /** Upper bound on kept snapshot entries (members + partitions, summed over history), per group. */
  readonly historyBudget?: number;
  /** Events kept per group. */
  readonly maxEvents?: number;
}

export const MIN_SPEED = 1;
export const MAX_SPEED = 1000;

interface GroupHistory {
  snapshots: GroupSnapshot[];
  weight: number;
  events: GroupEvent[];
}

/** What a new simulated member should be, when a user adds one. */
export interface NewMemberChoice {
  readonly protocol: GroupProtocol;
  /** group.remote.assignor (consumer) or the only partition.assignment.strategy (classic); null: default. */
  readonly assignor: string | null;
  readonly instanceId: string | null;
  /** client.id; null: the member's name (Kafka's clients default to a generated one). */
  readonly clientId?: string | null;
}

/** How long a static member is down when the user restarts it: well within session.timeout.ms. */
export const STATIC_RESTART_DOWN_MS = 5_000;

/**
 * Virtual time the simulation keeps running after its scenario's end when the user plays or steps
 * there, and at least this long after any action of the user: the scenario's timeline is over,
 * but the group lives on for experiments (a crash needs session.timeout.ms to show, a slow member
 * max.poll.interval.ms).
 */
export const OVERTIME_MS = 5 * 60_000;

export class SimulatorSource implements GroupSource, ControllableSource {
  readonly id = 'simulator';
  readonly kind = 'simulator' as const;
  readonly label = 'Simulator';
  private sim: Simulation;
  private scenario: Scenario;
  private options: SimulationOptions;
  private playing = false;
  /** Virtual time at which playback stops by itself: the scenario's end, pushed back by OVERTIME_MS. */
  private endMs: number;
  /** True when playback stopped because it reached endMs (not because the user paused). */
  private stoppedAtEnd = false;
  private speedFactor = 10;
  private timer: { cancel(): void } | null = null;
  private lastWall = 0;
  private behind = false;
  private readonly histories = new Map<string, GroupHistory>();
  private readonly pending: GroupEvent[] = [];
  private readonly changes = new Emitter<SourceChange>();
  private unsubscribeSim: () => void = () => undefined;
  private readonly ticker: Ticker;
  private readonly tickMs: number;
  private readonly budgetMs: number;
  private readonly historyBudget: number;
  private readonly maxEvents: number;
  private error: string | null = null;
  private readonly controlChanges = new Emitter<SimulatorControlState>();

  /** The remote control the dashboard uses (the palette commands call the methods below). */
  readonly controls: SimulatorControls = {
    controlState: () => this.controlState(),
    onDidChangeControlState: (listener) => this.controlChanges.event(listener),
    execute: (command) => this.execute(command),
  };

  constructor(
    private readonly factory: SimulationFactory,
    scenario: Scenario,
    options: SimulationOptions = {},
    sourceOptions: SimulatorSourceOptions = {},
  ) {
    this.ticker = sourceOptions.ticker ?? realTicker;
    this.tickMs = sourceOptions.tickMs ?? 50;
    this.budgetMs = sourceOptions.budgetMs ?? 25;
    this.historyBudget = sourceOptions.historyBudget ?? 3_000_000;
    this.maxEvents = sourceOptions.maxEvents ?? 20_000;
    this.scenario = scenario;
    this.options = options;
    this.endMs = scenario.durationMs;
    this.sim = this.create();
  }

  // --- GroupSource ---------------------------------------------------------------------------

  status(): SourceStatus {
    const state = this.error !== null ? 'error' : this.playing ? 'running' : 'paused';
    const variant = this.sim.variant ?? 'consumer';
    const parts = [this.scenario.name, variant, formatClock(this.sim.now()), `${this.speedFactor}×`];
    if (this.atEnd) parts.push(this.endMs > this.scenario.durationMs ? 'stopped' : 'finished');
    else if (this.behind) parts.push('behind');
    return { state, detail: parts.join(' · '), clockMs: this.sim.now(), error: this.error };
  }

  groups(): GroupSummary[] {
    return this.sim.groupIds().map((groupId) => {
      const s = this.latest(groupId);
      return {
        groupId,
        protocol: s.protocol,
        state: s.state,
        memberCount: s.members.length,
        totalLag: s.lag?.totalLag ?? null,
        lagStatus: s.lag?.status ?? null,
      };
    });
  }

  snapshot(groupId: string): GroupSnapshot | undefined {
    if (!this.sim.groupIds().includes(groupId)) return undefined;
    return this.latest(groupId);
  }

  history(groupId: string): readonly GroupSnapshot[] {
    this.latest(groupId);
    return this.histories.get(groupId)?.snapshots ?? [];
  }

  events(groupId: string): readonly GroupEvent[] {
    return this.histories.get(groupId)?.events ?? [];
  }

  watch(_groupId: string): Unsubscribe {
    // The simulator computes every group anyway; watching costs nothing extra.
    return () => undefined;
  }

  onDidChange(listener: Listener<SourceChange>): Unsubscribe {
    return this.changes.event(listener);
  }

  dispose(): void {
    this.pause();
    this.unsubscribeSim();
    this.changes.dispose();
    this.controlChanges.dispose();
  }

  // --- simulator controls ------------------------------------------------------------------

  controlState(): SimulatorControlState {
    return {
      running: this.playing,
      speed: this.speedFactor,
      clockMs: this.sim.now(),
      scenarioId: this.scenario.name,
      scenarios: builtinScenarios().map((s) => ({ id: s.name, title: s.name, description: s.description })),
      variant: this.sim.variant ?? 'consumer',
      assignors: {
        consumer: [...this.scenario.broker.consumer.assignors],
        classic: [...CLIENT_ASSIGNOR_NAMES],
      },
      topics: this.sim.topics().map((t) => t.name),
    };
  }

  /** Carries out a control command; rejects with a plain-words reason when it cannot. */
  execute(c: SimulatorCommand): Promise<void> {
    try {
      switch (c.kind) {
        case 'play':
          this.play();
          break;
        case 'pause':
          this.pause();
          break;
        case 'step':
          this.pause();
          this.step();
          break;
        case 'set-speed':
          this.setSpeed(c.speed);
          break;
        case 'choose-scenario': {
          const s = builtinScenario(c.scenarioId);
          if (s === undefined) throw new Error(`there is no built-in scenario "${c.scenarioId}"`);
          this.load(s);
          this.play();
          break;
        }
        case 'add-member':
          this.addMemberLike(c.groupId, {
            protocol: c.protocol,
            assignor: c.assignor,
            instanceId: c.instanceId,
          });
          break;
        case 'crash-member':
          this.crashMember(this.nameOf(c.memberId));
          break;
        case 'slow-member':
          this.slowMember(
            this.nameOf(c.memberId),
            { processingMs: DEFAULT_BEHAVIOUR.processingMs + Math.max(0, c.delayMs) },
            null,
          );
          break;
        case 'restart-static-member': {
          const name = this.nameOf(c.memberId);
          const status = this.sim.members().find((m) => m.name === name);
          if (status?.instanceId === null || status === undefined) {
            throw new Error(`${name} is not a static member: it has no group.instance.id`);
          }
          this.restartMember(name, STATIC_RESTART_DOWN_MS);
          break;
        }
        case 'add-partitions': {
          const t = this.sim.topics().find((x) => x.name === c.topic);
          if (t === undefined) throw new Error(`there is no topic "${c.topic}" in the simulation`);
          this.addPartitions(c.topic, t.partitions + c.count);
          break;
        }
        case 'change-subscription':
          this.changeSubscription(this.nameOf(c.memberId), c.topics);
          break;
        case 'switch-protocol':
          this.switchProtocol(c.variant);
          this.play();
          break;
      }
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * Adds a consumer to a group with the settings of its first member, changed as chosen. Returns
   * the new member's name.
   */
  addMemberLike(groupId: string, choice: NewMemberChoice): string {
    const template = this.sim.groupTemplate(groupId);
    if (template === undefined) throw new Error(`group "${groupId}" has no member to copy settings from`);
    const name = this.nextMemberName();
    this.addMember({
      ...template,
      name,
      explicit: { groupProtocol: true, assignor: true },
      config: {
        ...template.config,
        clientId: choice.clientId ?? name,
        groupProtocol: choice.protocol,
        groupRemoteAssignor:
          choice.protocol === 'consumer' ? choice.assignor : template.config.groupRemoteAssignor,
        partitionAssignmentStrategy:
          choice.protocol === 'classic' && choice.assignor !== null
            ? [choice.assignor]
            : template.config.partitionAssignmentStrategy,
        groupInstanceId: choice.instanceId,
      },
    });
    return name;
  }

  /**
   * A fresh name for a member the user adds: `consumer-<n>` past every member so far AND every
   * member the scenario's timeline will still add (taking one of those would make that step fail).
   */
  nextMemberName(): string {
    const taken = new Set(this.sim.members().map((m) => m.name));
    for (const step of this.scenario.timeline) if (step.do === 'add-member') taken.add(step.member.name);
    let max = 0;
    for (const name of taken) {
      const m = /-(\d+)$/.exec(name);
      if (m !== null) max = Math.max(max, Number(m[1]));
    }
    let n = max + 1;
    while (taken.has(`consumer-${n}`)) n++;
    return `consumer-${n}`;
  }

  private nameOf(memberId: string): string {
    const name = this.sim.memberName(memberId);
    if (name === undefined) throw new Error('that member is not one of the simulator’s consumers');
    return name;
  }

  // --- playback ------------------------------------------------------------------------------

  get simulation(): Simulation {
    return this.sim;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  get speed(): number {
    return this.speedFactor;
  }

  get currentScenario(): Scenario {
    return this.scenario;
  }

  /** True when the simulation has reached the point where playback stops by itself. */
  get atEnd(): boolean {
    return this.sim.now() >= this.endMs;
  }

  /** Plays; at the end of the scenario, the group runs on for another OVERTIME_MS. */
  play(): void {
    if (this.playing) return;
    this.extendIfAtEnd();
    this.stoppedAtEnd = false;
    this.playing = true;
    this.lastWall = this.ticker.now();
    this.timer = this.ticker.every(this.tickMs, () => this.tick());
    this.publish([], true);
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.timer?.cancel();
    this.timer = null;
    this.publish([], true);
  }

  /** Sets the playback speed, clamped to 1×–1000×. */
  setSpeed(factor: number): void {
    if (!Number.isFinite(factor)) throw new RangeError('speed must be a number');
    this.speedFactor = Math.min(MAX_SPEED, Math.max(MIN_SPEED, Math.round(factor)));
    this.publish([], true);
  }

  /** Advances to the next instant at which something happens in the group timeline. */
  step(): void {
    this.extendIfAtEnd();
    const before = this.sim.trace.length;
    while (this.sim.trace.length === before && !this.atEnd) {
      const next = this.sim.nextEventAt();
      if (next === undefined || next > this.endMs) {
        this.sim.runUntil(this.endMs);
        break;
      }
      this.sim.step();
    }
    // Include everything else that happens at the same instant.
    this.sim.runUntil(this.sim.now());
    this.flush(true);
  }

  /** Starts over with another scenario and/or options (e.g. another protocol variant). */
  load(scenario: Scenario, options: SimulationOptions = this.options): void {
    const wasPlaying = this.playing;
    this.pause();
    this.unsubscribeSim();
    this.scenario = scenario;
    this.options = options;
    this.histories.clear();
    this.pending.length = 0;
    this.error = null;
    this.endMs = scenario.durationMs;
    this.stoppedAtEnd = false;
    this.sim = this.create();
    this.changes.fire({
      groupIds: this.sim.groupIds(),
      groupsListChanged: true,
      statusChanged: true,
      events: [],
    });
    if (wasPlaying) this.play();
  }

  /** Reruns the current scenario under another protocol variant, from the start. */
  switchProtocol(variant: ProtocolVariant): void {
    this.load(this.scenario, { ...this.options, variant });
  }

  /** Reruns the current scenario with the assignors iterating in another order, from the start. */
  setOrdering(ordering: OrderingMode): void {
    if ((this.options.ordering ?? 'exact') === ordering) return;
    this.load(this.scenario, { ...this.options, ordering });
  }

  /** How the assignors iterate members and topics (see SimulationOptions.ordering). */
  get ordering(): OrderingMode {
    return this.options.ordering ?? 'exact';
  }

  restartScenario(): void {
    this.load(this.scenario, this.options);
  }

  // --- member and topic controls ---------------------------------------------------------------

  addMember(member: ScenarioMember): void {
    this.control(() => this.sim.addMember({ ...member, startAtMs: this.sim.now() }));
  }

  crashMember(name: string): void {
    this.control(() => this.sim.crash(name));
  }

  shutdownMember(name: string): void {
    this.control(() => this.sim.shutdown(name));
  }

  startMember(name: string): void {
    this.control(() => this.sim.start(name));
  }

  restartMember(name: string, downForMs: number): void {
    this.control(() => this.sim.restart(name, downForMs, false));
  }

  slowMember(name: string, patch: Partial<MemberBehaviour>, forMs: number | null): void {
    this.control(() => this.sim.setBehaviour(name, patch, forMs));
  }

  partitionMember(name: string, forMs: number): void {
    this.control(() => this.sim.networkPartition(name, forMs));
  }

  changeSubscription(name: string, topics: readonly string[]): void {
    this.control(() => this.sim.subscribe(name, topics));
  }

  addPartitions(topic: string, partitions: number): void {
    this.control(() => this.sim.addPartitions(topic, partitions));
  }

  // --- internals -----------------------------------------------------------------------------

  private create(): Simulation {
    const sim = this.factory(this.scenario, this.options);
    this.unsubscribeSim = sim.onEvent((e) => {
      this.pending.push(e);
      const h = this.historyOf(e.groupId);
      h.events.push(e);
      if (h.events.length > this.maxEvents) h.events.splice(0, h.events.length - this.maxEvents);
    });
    // Initial members start at t=0: run that instant so the first view is not empty.
    sim.runUntil(0);
    return sim;
  }

  private control(fn: () => void): void {
    fn(); // SimulationActionError propagates to the caller, which shows it to the user.
    this.sim.runUntil(this.sim.now());
    // The action must have time to play out (a crash needs session.timeout.ms), even when it
    // comes at or near the scenario's end; at the end, playback resumes.
    const resume = this.stoppedAtEnd && this.atEnd;
    this.endMs = Math.max(this.endMs, this.sim.now() + OVERTIME_MS);
    this.flush(true);
    if (resume) this.play();
  }

  private extendIfAtEnd(): void {
    if (this.atEnd) this.endMs = this.sim.now() + OVERTIME_MS;
  }

  private tick(): void {
    const wall = this.ticker.now();
    const elapsed = Math.max(0, wall - this.lastWall);
    this.lastWall = wall;
    const target = Math.min(this.endMs, this.sim.now() + elapsed * this.speedFactor);
    const started = this.ticker.now();
    this.behind = false;
    try {
      while (this.sim.now() < target) {
        const next = this.sim.nextEventAt();
        if (next === undefined || next > target) {
          this.sim.runUntil(target);
          break;
        }
        this.sim.step();
        if (this.ticker.now() - started > this.budgetMs) {
          this.behind = true;
          break;
        }
      }
    } catch (err) {
      this.error = `The simulation stopped: ${err instanceof Error ? err.message : String(err)}`;
      this.pause();
    }
    if (this.atEnd && this.playing) {
      this.pause();
      this.stoppedAtEnd = true;
    }
    this.flush(true);
  }

  private flush(statusChanged: boolean): void {
    const events = this.pending.splice(0);
    this.publish(events, statusChanged);
  }

  private publish(events: GroupEvent[], statusChanged: boolean): void {
    const changed = new Set(events.map((e) => e.groupId));
    // Every group's clock moved; views that show time or lag refresh on status changes.
    for (const g of changed) this.record(g);
    this.changes.fire({ groupIds: [...changed].sort(), groupsListChanged: false, statusChanged, events });
    if (this.controlChanges.size > 0) this.controlChanges.fire(this.controlState());
  }

  private historyOf(groupId: string): GroupHistory {
    let h = this.histories.get(groupId);
    if (h === undefined) {
      h = { snapshots: [], weight: 0, events: [] };
      this.histories.set(groupId, h);
    }
    return h;
  }

  /** Takes a snapshot now and appends it to the group's history (trimmed to the budget). */
  private record(groupId: string): GroupSnapshot {
    const s = this.sim.snapshot(groupId);
    const h = this.historyOf(groupId);
    const last = h.snapshots[h.snapshots.length - 1];
    if (last !== undefined && last.timeMs === s.timeMs) {
      h.weight -= weightOf(last);
      h.snapshots[h.snapshots.length - 1] = s;
    } else h.snapshots.push(s);
    h.weight += weightOf(s);
    while (h.weight > this.historyBudget && h.snapshots.length > 2) {
      const dropped = h.snapshots.shift()!;
      h.weight -= weightOf(dropped);
    }
    return s;
  }

  private latest(groupId: string): GroupSnapshot {
    const h = this.histories.get(groupId);
    const last = h?.snapshots[h.snapshots.length - 1];
    if (last !== undefined && last.timeMs === this.sim.now()) return last;
    return this.record(groupId);
  }
}

function weightOf(s: GroupSnapshot): number {
  return 1 + s.members.length + (s.lag?.partitions.length ?? 0);
}
