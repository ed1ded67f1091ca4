/**
 * The built-in scenarios. Each is an ordinary scenario document (the same format users write, see
 * docs/scenarios.md) and goes through the same validation. They run under any protocol variant
 * (`--protocol consumer|eager|cooperative`).
 */
import { parseScenario } from './parse';
import type { Scenario } from './schema';

type Doc = Record<string, unknown>;

const ORDERS = { name: 'orders', partitions: 12, produceRate: 600 };

const DOCS: readonly Doc[] = [
  {
    name: 'scale-out',
    description: 'Three consumers share 12 partitions; three more join, ten seconds apart.',
    duration: '3m',
    topics: [ORDERS],
    groups: [
      {
        id: 'orders-app',
        subscription: ['orders'],
        members: [{ name: 'consumer-{i}', count: 3 }],
      },
    ],
    timeline: [
      { at: '60s', do: 'add-member', group: 'orders-app', member: { name: 'consumer-4' } },
      { at: '70s', do: 'add-member', group: 'orders-app', member: { name: 'consumer-5' } },
      { at: '80s', do: 'add-member', group: 'orders-app', member: { name: 'consumer-6' } },
    ],
  },
  {
    name: 'rolling-restart',
    description:
      'Four dynamic members are restarted one after another (clean shutdown, 10 s down): every restart is two rebalances.',
    duration: '4m',
    topics: [ORDERS],
    groups: [{ id: 'orders-app', subscription: ['orders'], members: [{ name: 'consumer-{i}', count: 4 }] }],
    timeline: [1, 2, 3, 4].map((i) => ({
      at: `${30 + (i - 1) * 40}s`,
      do: 'restart',
      member: `consumer-${i}`,
      downFor: '10s',
    })),
  },
  {
    name: 'rolling-restart-static',
    description:
      'The same rolling restart with static members (group.instance.id): each comes back within session.timeout.ms and gets its partitions back with no rebalance.',
    duration: '4m',
    topics: [ORDERS],
    groups: [
      {
        id: 'orders-app',
        subscription: ['orders'],
        members: [{ name: 'consumer-{i}', count: 4, config: { 'group.instance.id': 'orders-app-{i}' } }],
      },
    ],
    timeline: [1, 2, 3, 4].map((i) => ({
      at: `${30 + (i - 1) * 40}s`,
      do: 'restart',
      member: `consumer-${i}`,
      downFor: '10s',
    })),
  },
  {
    name: 'crash',
    description:
      'consumer-2 dies without leaving; its partitions sit unconsumed until the coordinator notices through session.timeout.ms.',
    duration: '3m',
    topics: [ORDERS],
    groups: [{ id: 'orders-app', subscription: ['orders'], members: [{ name: 'consumer-{i}', count: 4 }] }],
    timeline: [{ at: '60s', do: 'crash', member: 'consumer-2' }],
  },
  {
    name: 'slow-revoker',
    description:
      'consumer-2 takes 40 s in onPartitionsRevoked; when consumer-5 joins, the partitions it must give up wait on that callback.',
    duration: '3m',
    topics: [ORDERS],
    groups: [
      {
        id: 'orders-app',
        subscription: ['orders'],
        members: [
          { name: 'consumer-1' },
          { name: 'consumer-2', behaviour: { onPartitionsRevoked: '40s' } },
          { name: 'consumer-3' },
          { name: 'consumer-4' },
        ],
      },
    ],
    timeline: [{ at: '60s', do: 'add-member', group: 'orders-app', member: { name: 'consumer-5' } }],
  },
  {
    name: 'max-poll-breach',
    description:
      'consumer-3 starts taking 6 minutes per batch: it exceeds max.poll.interval.ms (5 min), is removed from the group, and rejoins when its batch ends.',
    duration: '12m',
    topics: [ORDERS],
    groups: [{ id: 'orders-app', subscription: ['orders'], members: [{ name: 'consumer-{i}', count: 3 }] }],
    timeline: [
      { at: '60s', do: 'set-behaviour', member: 'consumer-3', behaviour: { processing: '6m' }, for: '6m' },
    ],
  },
  {
    name: 'partition-increase',
    description:
      'The orders topic grows from 6 to 12 partitions while three consumers read it. KIP-848 consumers get the new partitions within a heartbeat; a classic group waits for the leader to refresh its metadata (metadata.max.age.ms, 5 minutes).',
    duration: '8m',
    topics: [{ name: 'orders', partitions: 6, produceRate: 600 }],
    groups: [{ id: 'orders-app', subscription: ['orders'], members: [{ name: 'consumer-{i}', count: 3 }] }],
    timeline: [{ at: '60s', do: 'add-partitions', topic: 'orders', partitions: 12 }],
  },
  {
    name: 'subscription-change',
    description: 'A deploy adds the payments topic to the subscription, one consumer at a time.',
    duration: '4m',
    topics: [ORDERS, { name: 'payments', partitions: 6, produceRate: 200 }],
    groups: [{ id: 'orders-app', subscription: ['orders'], members: [{ name: 'consumer-{i}', count: 3 }] }],
    timeline: [1, 2, 3].map((i) => ({
      at: `${60 + (i - 1) * 30}s`,
      do: 'subscribe',
      member: `consumer-${i}`,
      topics: ['orders', 'payments'],
    })),
  },
  {
    name: 'flapping-member',
    description:
      'consumer-4 crashes and comes back every 50 s (a crash loop): each round trip costs the whole group a rebalance — a rebalance storm.',
    duration: '6m',
    topics: [ORDERS],
    groups: [
      {
        id: 'orders-app',
        subscription: ['orders'],
        config: { 'session.timeout.ms': 10000 },
        members: [{ name: 'consumer-{i}', count: 4 }],
      },
    ],
    timeline: [0, 1, 2, 3, 4].map((k) => ({
      at: `${40 + k * 50}s`,
      do: 'restart',
      member: 'consumer-4',
      downFor: '15s',
      crash: true,
    })),
  },
];

let parsed: readonly Scenario[] | undefined;

/**
 * The built-in scenarios, validated on first use (not when the module loads: the extension
 * imports this at activation, and parsing them all costs milliseconds it need not pay then).
 */
export function builtinScenarios(): readonly Scenario[] {
  parsed ??= DOCS.map((d) =>
    parseScenario(Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)), {
      source: `built-in scenario "${String(d.name)}"`,
    }),
  );
  return parsed;
}

export function builtinScenario(name: string): Scenario | undefined {
  return builtinScenarios().find((s) => s.name === name);
}
