import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  assignmentsEqual,
  EMPTY_ASSIGNMENT,
  subtractAssignment,
  unionAssignments,
  type Assignment,
} from '../../../src/model';
import type { ErrorName } from '../../../src/simulator/errors';
import { harness } from './consumer-client-harness';

type Step =
  | { readonly kind: 'assign'; readonly at: number; readonly partitions: readonly number[] }
  | { readonly kind: 'error'; readonly at: number; readonly error: ErrorName }
  | { readonly kind: 'partition'; readonly at: number; readonly forMs: number }
  | {
      readonly kind: 'behaviour';
      readonly at: number;
      readonly processingMs: number;
      readonly onRevokedMs: number;
      readonly onAssignedMs: number;
      readonly onLostMs: number;
    }
  | { readonly kind: 'commit-error'; readonly at: number; readonly error: ErrorName }
  | { readonly kind: 'subscribe'; readonly at: number; readonly topics: readonly string[] };

const RECOVERABLE: readonly ErrorName[] = [
  'FENCED_MEMBER_EPOCH',
  'UNKNOWN_MEMBER_ID',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
];

const at = fc.integer({ min: 0, max: 120_000 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('assign' as const),
    at,
    partitions: fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('error' as const), at, error: fc.constantFrom(...RECOVERABLE) }),
  fc.record({ kind: fc.constant('partition' as const), at, forMs: fc.integer({ min: 1, max: 70_000 }) }),
  fc.record({
    kind: fc.constant('behaviour' as const),
    at,
    processingMs: fc.integer({ min: 1, max: 20_000 }),
    onRevokedMs: fc.integer({ min: 0, max: 20_000 }),
    onAssignedMs: fc.integer({ min: 0, max: 5_000 }),
    onLostMs: fc.integer({ min: 0, max: 5_000 }),
  }),
  fc.record({
    kind: fc.constant('commit-error' as const),
    at,
    error: fc.constantFrom<ErrorName>('STALE_MEMBER_EPOCH', 'COORDINATOR_NOT_AVAILABLE', 'UNKNOWN_MEMBER_ID'),
  }),
  fc.record({
    kind: fc.constant('subscribe' as const),
    at,
    topics: fc.constantFrom<string[]>([], ['orders']),
  }),
);

describe('ConsumerProtocolClient properties', () => {
  it('ownership events always add up to what the application owns, only assigned partitions are ever owned, and a healthy coordinator brings the client to STABLE with its target', function () {
    this.timeout(60_000);
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 25 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.boolean(),
        (steps, seed, autoCommit) => {
          const h = harness(seed, { orders: 8 });
          h.coordinator.nextAssignment = { orders: [0, 1, 2, 3] };
          const c = h.client({ enableAutoCommit: autoCommit, maxPollIntervalMs: 60_000 });
          const everSent = new Set<number>([0, 1, 2, 3]);
          let commitError: ErrorName | null = null;
          h.coordinator.commitAnswer = () => commitError ?? 'NONE';
          for (const s of steps) {
            h.scheduler.schedule(s.at, () => {
              switch (s.kind) {
                case 'assign':
                  h.coordinator.nextAssignment = { orders: [...s.partitions].sort((a, b) => a - b) };
                  for (const p of s.partitions) everSent.add(p);
                  break;
                case 'error':
                  h.coordinator.queued.push((req) => h.coordinator.error(req, s.error));
                  break;
                case 'partition':
                  h.network.partition('consumer-1', h.scheduler.now() + s.forMs);
                  break;
                case 'behaviour':
                  c.setBehaviour({
                    processingMs: s.processingMs,
                    onRevokedMs: s.onRevokedMs,
                    onAssignedMs: s.onAssignedMs,
                    onLostMs: s.onLostMs,
                  });
                  break;
                case 'commit-error':
                  commitError = s.error;
                  h.scheduler.schedule(3_000, () => (commitError = null));
                  break;
                case 'subscribe':
                  c.subscribe(s.topics);
                  break;
              }
            });
          }
          // The application ends up subscribed to the topic.
          h.scheduler.schedule(130_000, () => c.subscribe(['orders']));
          c.start();
          let owned: Assignment = EMPTY_ASSIGNMENT;
          let checked = 0;
          const check = (): void => {
            for (; checked < h.events.length; checked++) {
              const e = h.events[checked];
              if (e.type === 'partitions-assigned') {
                assert.ok(
                  assignmentsEqual(subtractAssignment(e.partitions, owned), e.partitions),
                  'assigned twice',
                );
                for (const p of e.partitions.orders ?? [])
                  assert.ok(everSent.has(p), `invented partition ${p}`);
                owned = unionAssignments(owned, e.partitions);
              } else if (e.type === 'partitions-revoked' || e.type === 'partitions-lost') {
                assert.ok(
                  assignmentsEqual(subtractAssignment(e.partitions, owned), EMPTY_ASSIGNMENT),
                  `${e.type} of partitions not owned`,
                );
                owned = subtractAssignment(owned, e.partitions);
              }
            }
            assert.deepEqual(owned, c.owned());
          };
          for (let t = 0; t <= 200_000; t += 997) {
            h.runTo(t);
            check();
          }
          // From 120 s on the coordinator is healthy; after a while the client is STABLE on its target.
          h.runTo(500_000);
          check();
          assert.equal(c.state(), 'STABLE');
          assert.deepEqual(
            c.owned(),
            h.coordinator.nextAssignment.orders?.length ? h.coordinator.nextAssignment : {},
          );
          c.close();
          h.runTo(600_000);
          check();
          assert.equal(c.alive, false);
          assert.deepEqual(c.owned(), {});
        },
      ),
      { numRuns: 1000, seed: Number(process.env.KGD_FC_SEED ?? Date.now() % 2147483647) },
    );
  });
});

describe('ConsumerProtocolClient regressions found by the property', () => {
  it('a fence during an unsubscribe, then a new subscription, still reconciles to STABLE (seed -428652525)', () => {
    const h = harness(1, { orders: 8 });
    h.coordinator.nextAssignment = { orders: [0, 1, 2, 3] };
    const c = h.client({ enableAutoCommit: true, maxPollIntervalMs: 60_000 });
    h.coordinator.commitAnswer = () => 'NONE';
    c.setBehaviour({ processingMs: 17_448, onRevokedMs: 4_130, onAssignedMs: 1_867, onLostMs: 3 });
    h.scheduler.schedule(17_449, () => c.subscribe([]));
    h.scheduler.schedule(17_450, () => c.subscribe(['orders']));
    h.scheduler.schedule(112_553, () => c.subscribe([]));
    h.scheduler.schedule(115_210, () =>
      h.coordinator.queued.push((req) => h.coordinator.error(req, 'FENCED_MEMBER_EPOCH')),
    );
    h.scheduler.schedule(130_000, () => c.subscribe(['orders']));
    c.start();
    h.runTo(500_000);
    assert.equal(c.state(), 'STABLE');
    assert.deepEqual(c.owned(), { orders: [0, 1, 2, 3] });
  });
});
