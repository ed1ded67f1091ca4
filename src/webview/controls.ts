import {
  type GroupProtocol,
  MAX_SIMULATOR_SPEED,
  type SimulatorCommand,
  type SimulatorControlState,
  formatClock,
} from '../model';
import { LIMITS } from '../protocol/dashboard';
import { el, setText } from './dom';
import type { DashboardStore } from './store';

interface Option {
  readonly value: string;
  readonly label: string;
}

type SelectElement = HTMLElement & { value: string };
type MultiSelectElement = HTMLElement & { value: string[] };
type TextFieldElement = HTMLElement & { value: string; invalid: boolean };

const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
const SLOW_DELAYS: readonly Option[] = [
  { value: '2000', label: '+2 s per poll' },
  { value: '10000', label: '+10 s per poll' },
  { value: '60000', label: '+1 min per poll' },
  { value: '360000', label: '+6 min (beyond max.poll.interval.ms)' },
  { value: '0', label: 'normal speed' },
];
const KAFKA_NAME = /^[a-zA-Z0-9._-]+$/;

/** A vscode-single-select whose options are replaced only when they change (keeps the selection). */
class Select {
  readonly element: SelectElement;
  private key = '';

  constructor(label: string, onChange?: (value: string) => void, testId?: string) {
    this.element = el('vscode-single-select', {
      attrs: { 'aria-label': label, title: label, 'data-testid': testId },
    });
    if (onChange !== undefined) this.element.addEventListener('change', () => onChange(this.element.value));
  }

  setOptions(options: readonly Option[], selected?: string): void {
    const key = options.map((o) => `${o.value}\u0000${o.label}`).join('\u0001');
    if (key !== this.key) {
      this.key = key;
      const keep = selected ?? this.element.value;
      this.element.replaceChildren(
        ...options.map((o) => el('vscode-option', { text: o.label, attrs: { value: o.value } })),
      );
      if (options.some((o) => o.value === keep)) this.element.value = keep;
    } else if (selected !== undefined && this.element.value !== selected) this.element.value = selected;
  }

  get value(): string {
    return this.element.value;
  }
}

/**
 * The simulator's control bar: play, pause, step, speed, scenario; and the actions on the group:
 * add a member, crash / slow down / restart / switch a member, change a subscription, add
 * partitions. Every action is a typed request; the reply (or its error) shows in the status line.
 */
export class ControlsView {
  readonly element: HTMLElement;
  private readonly playButton: HTMLElement;
  private readonly stepButton: HTMLElement;
  private readonly speed: Select;
  private readonly scenario: Select;
  private readonly clock = el('span', { className: 'clock', attrs: { 'data-testid': 'sim-clock' } });
  private readonly status = el('p', {
    className: 'control-status',
    attrs: { role: 'status', 'aria-live': 'polite' },
  });
  private readonly protocol: Select;
  private readonly assignor: Select;
  private readonly instanceId: TextFieldElement;
  private readonly member: Select;
  private readonly slowDelay: Select;
  private readonly restartButton: HTMLElement;
  private readonly switchButton: HTMLElement;
  private readonly subscription: MultiSelectElement;
  private readonly topic: Select;
  private readonly count: TextFieldElement;
  private selectedMember: string | null = null;
  private subscriptionFor: string | null = null;
  private topicsKey = '';

  constructor(
    private readonly store: DashboardStore,
    private readonly send: (c: SimulatorCommand) => Promise<{ ok: boolean; message: string | null }>,
  ) {
    this.playButton = el('vscode-button', {
      text: 'Play',
      attrs: { icon: 'play', 'data-testid': 'play' },
      on: { click: () => void this.run({ kind: this.store.controls?.running === true ? 'pause' : 'play' }) },
    });
    this.stepButton = el('vscode-button', {
      text: 'Step',
      attrs: { secondary: true, icon: 'debug-step-over', title: 'Advance to the next thing that happens' },
      on: { click: () => void this.run({ kind: 'step' }) },
    });
    this.speed = new Select('Speed', (v) => void this.run({ kind: 'set-speed', speed: Number(v) }), 'speed');
    this.speed.setOptions(SPEEDS.map((s) => ({ value: String(s), label: `${s}×` })));
    this.scenario = new Select(
      'Scenario',
      (v) => void this.run({ kind: 'choose-scenario', scenarioId: v }),
      'scenario',
    );

    this.protocol = new Select('Protocol of the new member', () => this.updateAssignors());
    this.protocol.setOptions([
      { value: 'consumer', label: 'consumer (KIP-848)' },
      { value: 'classic', label: 'classic' },
    ]);
    this.assignor = new Select('Assignor of the new member');
    this.instanceId = el('vscode-textfield', {
      attrs: {
        placeholder: 'group.instance.id (optional)',
        'aria-label': 'Instance id of the new member (optional)',
      },
    });
    const addMember = el('vscode-button', {
      text: 'Add member',
      attrs: { icon: 'add', 'data-testid': 'add-member' },
      on: { click: () => this.addMember() },
    });

    this.member = new Select('Member to act on', (v) => this.chooseMember(v), 'member');
    this.slowDelay = new Select('How much slower');
    this.slowDelay.setOptions(SLOW_DELAYS);
    const crash = el('vscode-button', {
      text: 'Crash',
      attrs: {
        secondary: true,
        icon: 'debug-stop',
        title: 'Kill the process: no LeaveGroup, the session times out',
      },
      on: {
        click: () => this.memberCommand((groupId, memberId) => ({ kind: 'crash-member', groupId, memberId })),
      },
    });
    const slow = el('vscode-button', {
      text: 'Slow down',
      attrs: { secondary: true, icon: 'watch' },
      on: {
        click: () =>
          this.memberCommand((groupId, memberId) => ({
            kind: 'slow-member',
            groupId,
            memberId,
            delayMs: Number(this.slowDelay.value || '0'),
          })),
      },
    });
    this.restartButton = el('vscode-button', {
      text: 'Restart static member',
      attrs: { secondary: true, icon: 'debug-restart', disabled: true },
      on: {
        click: () =>
          this.memberCommand((groupId, memberId) => ({ kind: 'restart-static-member', groupId, memberId })),
      },
    });
    this.switchButton = el('vscode-button', {
      text: 'Switch protocol',
      attrs: { secondary: true, icon: 'arrow-swap' },
      on: {
        click: () =>
          this.memberCommand((groupId, memberId) => {
            const m = this.store.latest()?.members.find((x) => x.memberId === memberId);
            const protocol: GroupProtocol = m?.memberType === 'classic' ? 'consumer' : 'classic';
            return { kind: 'switch-protocol', groupId, memberId, protocol };
          }),
      },
    });
    this.subscription = el('vscode-multi-select', {
      attrs: { 'aria-label': 'Topics the member subscribes to', title: 'Subscription' },
    });
    const changeSub = el('vscode-button', {
      text: 'Change subscription',
      attrs: { secondary: true, icon: 'list-selection' },
      on: {
        click: () =>
          this.memberCommand((groupId, memberId) => ({
            kind: 'change-subscription',
            groupId,
            memberId,
            topics: [...this.subscription.value].sort(),
          })),
      },
    });
    this.topic = new Select('Topic to add partitions to');
    this.count = el('vscode-textfield', {
      attrs: {
        type: 'number',
        min: 1,
        max: LIMITS.addPartitions,
        value: '1',
        'aria-label': 'How many partitions to add',
      },
    });
    const addPartitions = el('vscode-button', {
      text: 'Add partitions',
      attrs: { secondary: true, icon: 'add' },
      on: { click: () => this.addPartitions() },
    });

    const group = (label: string, children: Node[]): HTMLElement =>
      el('div', { className: 'control-group', attrs: { role: 'group', 'aria-label': label } }, [
        el('span', { className: 'control-label', text: label }),
        ...children,
      ]);
    const actions = el('details', { className: 'control-actions' }, [
      el('summary', { text: 'Simulate: add members, crash, slow down, change topics' }),
      group('New member', [this.protocol.element, this.assignor.element, this.instanceId, addMember]),
      group('Member', [
        this.member.element,
        crash,
        this.slowDelay.element,
        slow,
        this.restartButton,
        this.switchButton,
      ]),
      group('Subscription', [this.subscription, changeSub]),
      group('Topic', [this.topic.element, this.count, addPartitions]),
    ]);
    this.element = el('section', { className: 'controls', attrs: { 'aria-label': 'Simulator controls' } }, [
      el('div', { className: 'control-row' }, [
        this.playButton,
        this.stepButton,
        el('span', { className: 'control-label', text: 'Speed' }),
        this.speed.element,
        el('span', { className: 'control-label', text: 'Scenario' }),
        this.scenario.element,
        el('div', { className: 'grow' }),
        this.clock,
      ]),
      actions,
      this.status,
    ]);
  }

  private async run(command: SimulatorCommand): Promise<void> {
    setText(this.status, 'Working…');
    this.status.classList.remove('error');
    const r = await this.send(command);
    setText(this.status, r.ok ? (r.message ?? 'Done.') : (r.message ?? 'The simulator refused.'));
    this.status.classList.toggle('error', !r.ok);
  }

  private fail(message: string): void {
    setText(this.status, message);
    this.status.classList.add('error');
  }

  private addMember(): void {
    const id = this.instanceId.value.trim();
    const valid = id === '' || (id.length <= LIMITS.kafkaNameLength && KAFKA_NAME.test(id));
    this.instanceId.invalid = !valid;
    if (!valid) {
      this.fail('An instance id may use only letters, digits, ".", "_" and "-", up to 249 characters.');
      return;
    }
    const protocol: GroupProtocol = this.protocol.value === 'classic' ? 'classic' : 'consumer';
    void this.run({
      kind: 'add-member',
      groupId: this.store.groupId,
      protocol,
      assignor: this.assignor.value === '' ? null : this.assignor.value,
      instanceId: id === '' ? null : id,
    });
  }

  private addPartitions(): void {
    const n = Number(this.count.value);
    if (!Number.isInteger(n) || n < 1 || n > LIMITS.addPartitions) {
      this.count.invalid = true;
      this.fail(`Enter how many partitions to add: a whole number from 1 to ${LIMITS.addPartitions}.`);
      return;
    }
    this.count.invalid = false;
    if (this.topic.value === '') {
      this.fail('Choose a topic first.');
      return;
    }
    void this.run({ kind: 'add-partitions', topic: this.topic.value, count: n });
  }

  private memberCommand(build: (groupId: string, memberId: string) => SimulatorCommand): void {
    const id = this.selectedMember ?? this.member.value;
    if (id === '' || id === null) {
      this.fail('Choose a member first (or select one in the reconciliation table).');
      return;
    }
    void this.run(build(this.store.groupId, id));
  }

  /** Selects the member the member actions apply to (the reconciliation table calls this too). */
  chooseMember(memberId: string): void {
    this.selectedMember = memberId;
    if (this.member.value !== memberId) this.member.element.value = memberId;
    this.updateMemberActions();
  }

  private updateAssignors(): void {
    const c = this.store.controls;
    const protocol: GroupProtocol = this.protocol.value === 'classic' ? 'classic' : 'consumer';
    const list = c?.assignors[protocol] ?? [];
    this.assignor.setOptions([
      { value: '', label: 'default assignor' },
      ...list.map((a) => ({ value: a, label: a })),
    ]);
  }

  private updateMemberActions(): void {
    const m = this.store.latest()?.members.find((x) => x.memberId === this.selectedMember);
    this.restartButton.toggleAttribute('disabled', m === undefined || m.instanceId === null);
    this.restartButton.title =
      m !== undefined && m.instanceId === null
        ? 'Only static members (with group.instance.id) can be restarted'
        : '';
    if (m !== undefined) {
      this.switchButton.textContent =
        m.memberType === 'classic' ? 'Switch to consumer protocol' : 'Switch to classic protocol';
    }
    if (m !== undefined && this.subscriptionFor !== m.memberId) {
      this.subscriptionFor = m.memberId;
      this.subscription.value = [...m.subscribedTopicNames];
    }
  }

  render(): void {
    const c: SimulatorControlState | null = this.store.controls;
    this.element.hidden = c === null;
    if (c === null) return;
    this.playButton.textContent = c.running ? 'Pause' : 'Play';
    this.playButton.setAttribute('icon', c.running ? 'debug-pause' : 'play');
    this.playButton.setAttribute('aria-label', c.running ? 'Pause the simulator' : 'Run the simulator');
    this.stepButton.toggleAttribute('disabled', c.running);
    const speed = Math.max(1, Math.min(MAX_SIMULATOR_SPEED, Math.round(c.speed)));
    const speeds = SPEEDS.includes(speed) ? SPEEDS : [...SPEEDS, speed].sort((a, b) => a - b);
    this.speed.setOptions(
      speeds.map((s) => ({ value: String(s), label: `${s}×` })),
      String(speed),
    );
    this.scenario.setOptions(
      [
        ...(c.scenarioId === null ? [{ value: '', label: 'no scenario' }] : []),
        ...c.scenarios.map((s) => ({ value: s.id, label: s.title })),
      ],
      c.scenarioId ?? '',
    );
    setText(
      this.clock,
      `virtual time ${formatClock(c.clockMs)} · ${c.running ? `running at ${speed}×` : 'paused'}`,
    );
    this.updateAssignors();
    const topicsKey = c.topics.join('\u0000');
    if (topicsKey !== this.topicsKey) {
      this.topicsKey = topicsKey;
      this.topic.setOptions(c.topics.map((t) => ({ value: t, label: t })));
      this.subscription.replaceChildren(
        ...c.topics.map((t) => el('vscode-option', { text: t, attrs: { value: t } })),
      );
      this.subscriptionFor = null;
    }
    const latest = this.store.latest();
    this.member.setOptions(
      (latest?.members ?? []).map((m) => ({ value: m.memberId, label: `${this.store.label(m.memberId)}` })),
      this.selectedMember ?? undefined,
    );
    if (this.selectedMember === null && this.member.value !== '') this.selectedMember = this.member.value;
    this.updateMemberActions();
  }
}
