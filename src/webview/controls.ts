import {
  type GroupProtocol,
  MAX_SIMULATOR_SPEED,
  SIMULATOR_VARIANTS,
  type SimulatorCommand,
  type SimulatorControlState,
  formatClock,
} from '../model';
import { LIMITS } from '../protocol/dashboard';
import { el, setText, uniqueId } from './dom';
import type { DashboardStore } from './store';

interface Option {
  readonly value: string;
  readonly label: string;
}

type SelectElement = HTMLElement & { value: string };
type MultiSelectElement = HTMLElement & { value: string[] };
type TextFieldElement = HTMLElement & { value: string; invalid: boolean };

const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
const VARIANT_OPTIONS = [
  { value: 'consumer', label: 'consumer (KIP-848)' },
  { value: 'eager', label: 'classic, eager' },
  { value: 'cooperative', label: 'classic, cooperative' },
];
const SLOW_DELAYS: readonly Option[] = [
  { value: '2000', label: '+2 s per poll' },
  { value: '10000', label: '+10 s per poll' },
  { value: '60000', label: '+1 min per poll' },
  { value: '360000', label: '+6 min (beyond max.poll.interval.ms)' },
  { value: '0', label: 'normal speed' },
];
const KAFKA_NAME = /^[a-zA-Z0-9._-]+$/;
/** Option value for "the protocol's default assignor" (not a legal assignor name, so no clash). */
const DEFAULT_ASSIGNOR = '(default)';

/** A vscode-single-select whose options are replaced only when they change (keeps the selection). */
/**
 * A vscode-single-select whose options are replaced only when they change. A changed list gets a
 * fresh element (options in place before it connects), which the element renders reliably;
 * `element` is a stable wrapper, so callers keep one node.
 */
class Select {
  readonly element: HTMLSpanElement;
  private select: SelectElement;
  private key = '';

  constructor(
    private readonly label: string,
    private readonly onChange?: (value: string) => void,
    private readonly testId?: string,
    private readonly size: 's' | 'm' | 'l' = 'm',
  ) {
    this.select = this.make([]);
    this.element = el('span', { className: 'select-wrap' }, [this.select]);
  }

  private make(options: readonly HTMLElement[]): SelectElement {
    const s = el(
      'vscode-single-select',
      {
        className: `select-${this.size}`,
        attrs: { 'aria-label': this.label, title: this.label, 'data-testid': this.testId },
      },
      options,
    ) as SelectElement;
    const onChange = this.onChange;
    if (onChange !== undefined) s.addEventListener('change', () => onChange(s.value));
    return s;
  }

  setOptions(options: readonly Option[], selected?: string): void {
    const key = options.map((o) => `${o.value}\u0000${o.label}`).join('\u0001');
    if (key !== this.key) {
      this.key = key;
      const keep = selected ?? this.select.value;
      const want = options.some((o) => o.value === keep) ? keep : (options[0]?.value ?? '');
      const fresh = this.make(
        options.map((o) =>
          el('vscode-option', { text: o.label, attrs: { value: o.value, selected: o.value === want } }),
        ),
      );
      const hadFocus = this.element.contains(document.activeElement);
      this.select.replaceWith(fresh);
      this.select = fresh;
      if (hadFocus) fresh.focus();
    } else if (selected !== undefined && this.select.value !== selected) this.select.value = selected;
  }

  get value(): string {
    return this.select.value;
  }

  set value(v: string) {
    if (this.select.value !== v) this.select.value = v;
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
  private readonly variant: Select;
  private subscription: MultiSelectElement;
  private readonly subscriptionBox: HTMLSpanElement;
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
    this.speed = new Select(
      'Speed',
      (v) => void this.run({ kind: 'set-speed', speed: Number(v) }),
      'speed',
      's',
    );
    this.speed.setOptions(SPEEDS.map((s) => ({ value: String(s), label: `${s}×` })));
    this.scenario = new Select(
      'Scenario',
      (v) => void this.run({ kind: 'choose-scenario', scenarioId: v }),
      'scenario',
      'l',
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
    this.slowDelay = new Select('How much slower', undefined, undefined, 'l');
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
    this.variant = new Select(
      'Protocol variant (reruns the scenario from the start)',
      (v) => {
        const variant = SIMULATOR_VARIANTS.find((x) => x === v);
        if (variant !== undefined) void this.run({ kind: 'switch-protocol', variant });
      },
      'variant',
      'm',
    );
    this.variant.setOptions(VARIANT_OPTIONS);
    this.subscription = this.makeSubscription([], []);
    this.subscriptionBox = el('span', { className: 'select-wrap' }, [this.subscription]);
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
    this.topic = new Select('Topic to add partitions to', undefined, undefined, 'm');
    this.count = el('vscode-textfield', {
      className: 'count-field',
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
    // A disclosure button rather than <details>: Chrome skips rendering closed <details>
    // content, and the select elements read their option labels through innerText.
    const panelId = uniqueId('sim-actions');
    const toggle = el('button', {
      className: 'disclosure',
      text: 'Simulate: add members, crash, slow down, change topics',
      attrs: {
        type: 'button',
        'aria-expanded': 'false',
        'aria-controls': panelId,
        'data-testid': 'sim-actions',
      },
      on: {
        click: () => {
          const open = toggle.getAttribute('aria-expanded') !== 'true';
          toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
          actions.hidden = !open;
        },
      },
    });
    const actions = el('div', { className: 'control-actions', attrs: { id: panelId } }, [
      group('New member', [this.protocol.element, this.assignor.element, this.instanceId, addMember]),
      group('Member', [this.member.element, crash, this.slowDelay.element, slow, this.restartButton]),
      group('Subscription', [this.subscriptionBox, changeSub]),
      group('Topic', [this.topic.element, this.count, addPartitions]),
    ]);
    actions.hidden = true;
    this.element = el('section', { className: 'controls', attrs: { 'aria-label': 'Simulator controls' } }, [
      el('div', { className: 'control-row' }, [
        this.playButton,
        this.stepButton,
        el('span', { className: 'control-label', text: 'Speed' }),
        this.speed.element,
        el('span', { className: 'control-label', text: 'Scenario' }),
        this.scenario.element,
        el('span', { className: 'control-label', text: 'Protocol' }),
        this.variant.element,
        el('div', { className: 'grow' }),
        this.clock,
      ]),
      toggle,
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
      assignor:
        this.assignor.value === DEFAULT_ASSIGNOR || this.assignor.value === '' ? null : this.assignor.value,
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
    this.member.value = memberId;
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
    const topics = this.store.controls?.topics ?? [];
    const key = `${m?.memberId ?? ''}\u0001${topics.join('\u0000')}`;
    if (m !== undefined && this.subscriptionFor !== key) {
      this.subscriptionFor = key;
      // A fresh element with the member's topics marked selected (see Select for why).
      const fresh = this.makeSubscription(topics, m.subscribedTopicNames);
      this.subscription.replaceWith(fresh);
      this.subscription = fresh;
    }
  }

  private makeSubscription(topics: readonly string[], subscribed: readonly string[]): MultiSelectElement {
    return el(
      'vscode-multi-select',
      { attrs: { 'aria-label': 'Topics the member subscribes to', title: 'Subscription' } },
      topics.map((t) =>
        el('vscode-option', { text: t, attrs: { value: t, selected: subscribed.includes(t) } }),
      ),
    );
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
    this.variant.setOptions(VARIANT_OPTIONS, c.variant);
    setText(
      this.clock,
      `virtual time ${formatClock(c.clockMs)} · ${c.running ? `running at ${speed}×` : 'paused'}`,
    );
    this.updateAssignors();
    const topicsKey = c.topics.join('\u0000');
    if (topicsKey !== this.topicsKey) {
      this.topicsKey = topicsKey;
      this.topic.setOptions(c.topics.map((t) => ({ value: t, label: t })));
    }
    const latest = this.store.latest();
    // The chosen member left (crashed, removed): fall back to the first one rather than acting
    // on a member that is gone.
    if (
      this.selectedMember !== null &&
      latest?.members.some((m) => m.memberId === this.selectedMember) !== true
    )
      this.selectedMember = null;
    this.member.setOptions(
      (latest?.members ?? []).map((m) => ({ value: m.memberId, label: `${this.store.label(m.memberId)}` })),
      this.selectedMember ?? undefined,
    );
    if (this.selectedMember === null && this.member.value !== '') this.selectedMember = this.member.value;
    this.updateMemberActions();
  }
}
