/**
 * The simulated network between clients and the coordinator: TCP's guarantees on each connection.
 * A partition holds requests and responses and delivers them in order at the heal; a connection
 * the client gives up takes with it what it still carries.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { VirtualScheduler } from '../../../src/simulator/clock';
import { SimNetwork } from '../../../src/simulator/engine/network';
import type { Connection } from '../../../src/simulator/engine/world';

const LATENCY = 5;

/** A network, and a log of what reached the coordinator and the client, with the time. */
function world() {
  const scheduler = new VirtualScheduler();
  const network = new SimNetwork(scheduler, LATENCY);
  const log: string[] = [];
  const at = (what: string): void => {
    log.push(`${scheduler.now()} ${what}`);
  };
  /** A request the coordinator answers at once. */
  const send = (name: string, connection: Connection = 'coordinator', client = 'c1'): void => {
    network.request<string>(
      client,
      (reply) => {
        at(`coordinator got ${name}`);
        reply(`${name}-response`);
      },
      (response) => at(`client got ${response}`),
      connection,
    );
  };
  /** A request the coordinator parks; the returned function answers it. */
  const park = (name: string): (() => void) => {
    let answer: (() => void) | null = null;
    network.request<string>(
      'c1',
      (reply) => {
        at(`coordinator got ${name}`);
        answer = () => reply(`${name}-response`);
      },
      (response) => at(`client got ${response}`),
    );
    return () => {
      assert.ok(answer !== null, `${name} reached the coordinator`);
      answer();
    };
  };
  return { scheduler, network, log, send, park };
}

describe('SimNetwork', () => {
  it('on a healthy link: a request after the latency, its response after the latency again', () => {
    const w = world();
    w.send('a');
    w.scheduler.runUntil(100);
    assert.deepEqual(w.log, ['5 coordinator got a', '10 client got a-response']);
  });

  it('holds the requests of a cut-off client and delivers them in order after the heal, with the latency', () => {
    const w = world();
    w.network.partition('c1', 1_000);
    w.scheduler.runUntil(100);
    w.send('a');
    w.scheduler.runUntil(300);
    w.send('b');
    w.send('c');
    w.scheduler.runUntil(999);
    assert.deepEqual(w.log, [], 'nothing gets through while cut off');
    assert.equal(w.network.heldCount('c1'), 3);
    w.scheduler.runUntil(2_000);
    assert.deepEqual(w.log, [
      '1005 coordinator got a',
      '1005 coordinator got b',
      '1005 coordinator got c',
      '1010 client got a-response',
      '1010 client got b-response',
      '1010 client got c-response',
    ]);
    assert.equal(w.network.heldCount('c1'), 0);
  });

  it('a request the coordinator handled before the cut gets its response late, not lost', () => {
    const w = world();
    const answerJoin = w.park('join');
    w.send('heartbeat');
    w.scheduler.runUntil(7);
    assert.deepEqual(w.log, ['5 coordinator got join', '5 coordinator got heartbeat']);
    // Cut off while the heartbeat's response is on its way, and before the join is answered.
    w.network.partition('c1', 500);
    w.scheduler.runUntil(200);
    answerJoin();
    w.scheduler.runUntil(499);
    assert.equal(w.log.length, 2, 'both responses are held');
    w.scheduler.runUntil(1_000);
    assert.deepEqual(w.log.slice(2), ['505 client got heartbeat-response', '505 client got join-response']);
  });

  it('keeps each direction in order across the heal: what was sent just before it waits behind what was held', () => {
    const w = world();
    w.send('before');
    w.scheduler.runUntil(2);
    // 'before' is on the wire when the partition starts: it arrives into the partition.
    w.network.partition('c1', 100);
    w.scheduler.runUntil(50);
    w.send('during');
    w.scheduler.runUntil(102);
    w.send('after');
    w.scheduler.runUntil(1_000);
    assert.deepEqual(w.log, [
      '105 coordinator got before',
      '105 coordinator got during',
      '107 coordinator got after',
      '110 client got before-response',
      '110 client got during-response',
      '112 client got after-response',
    ]);
  });

  it('a partition extended before it ends holds longer; one healed early releases at once', () => {
    const w = world();
    w.network.partition('c1', 12_000);
    w.send('a');
    w.scheduler.runUntil(11_000);
    w.network.partition('c1', 15_000);
    w.scheduler.runUntil(14_999);
    assert.deepEqual(w.log, []);
    w.scheduler.runUntil(20_000);
    assert.deepEqual(w.log, ['15005 coordinator got a', '15010 client got a-response']);
    w.network.partition('c1', 1_000_000);
    w.send('b');
    w.scheduler.runUntil(25_000);
    w.network.partition('c1', null);
    w.scheduler.runUntil(30_000);
    assert.deepEqual(w.log.slice(2), ['25005 coordinator got b', '25010 client got b-response']);
  });

  it('after a disconnect, held requests never reach the coordinator and held or late responses never arrive, even after the heal', () => {
    const w = world();
    const answerJoin = w.park('join');
    w.scheduler.runUntil(10);
    w.network.partition('c1', 1_000);
    w.send('heartbeat');
    w.scheduler.runUntil(100);
    answerJoin();
    w.scheduler.runUntil(200);
    assert.equal(w.network.heldCount('c1'), 2, 'the heartbeat and the join response');
    // The client gives the connection up (its request timed out) and sends on a new one.
    w.network.disconnect('c1', 'coordinator');
    assert.equal(w.network.heldCount('c1'), 0);
    w.send('heartbeat-2');
    w.scheduler.runUntil(2_000);
    assert.deepEqual(w.log, [
      '5 coordinator got join',
      '1005 coordinator got heartbeat-2',
      '1010 client got heartbeat-2-response',
    ]);
  });

  it('a response the coordinator sends after the disconnect, to a request of the old connection, never arrives', () => {
    const w = world();
    const answerJoin = w.park('join');
    w.scheduler.runUntil(10);
    w.network.disconnect('c1', 'coordinator');
    answerJoin();
    w.scheduler.runUntil(100);
    assert.deepEqual(w.log, ['5 coordinator got join']);
  });

  it('a request already on the wire outside a partition is read by the broker although the client closed after writing it', () => {
    const w = world();
    w.send('leave');
    w.scheduler.runUntil(1);
    w.network.disconnect('c1', 'coordinator');
    w.scheduler.runUntil(100);
    assert.deepEqual(w.log, ['5 coordinator got leave'], 'handled, but the response has no socket to go to');
  });

  it('the broker connection (FindCoordinator) is not the coordinator connection', () => {
    const w = world();
    w.network.partition('c1', 1_000);
    w.send('find-coordinator', 'broker');
    w.send('heartbeat', 'coordinator');
    w.scheduler.runUntil(100);
    w.network.disconnect('c1', 'coordinator');
    w.scheduler.runUntil(2_000);
    assert.deepEqual(w.log, [
      '1005 coordinator got find-coordinator',
      '1010 client got find-coordinator-response',
    ]);
  });

  it('a partition cuts off one client only', () => {
    const w = world();
    w.network.partition('c1', 1_000);
    w.send('a', 'coordinator', 'c1');
    w.send('b', 'coordinator', 'c2');
    w.scheduler.runUntil(2_000);
    assert.deepEqual(w.log, [
      '5 coordinator got b',
      '10 client got b-response',
      '1005 coordinator got a',
      '1010 client got a-response',
    ]);
  });

  it('is deterministic, keeps each connection in order, delivers nothing while cut off, and nothing of a closed connection it held', () => {
    type Op =
      | { readonly kind: 'send'; readonly connection: Connection; readonly park: boolean }
      | { readonly kind: 'answer'; readonly which: number }
      | { readonly kind: 'partition'; readonly forMs: number | null }
      | { readonly kind: 'heal' }
      | { readonly kind: 'disconnect'; readonly connection: Connection }
      | { readonly kind: 'wait'; readonly ms: number };
    const connectionArb = fc.constantFrom<Connection>('coordinator', 'broker');
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('send' as const), connection: connectionArb, park: fc.boolean() }),
      fc.record({ kind: fc.constant('answer' as const), which: fc.nat() }),
      fc.record({
        kind: fc.constant('partition' as const),
        forMs: fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }),
      }),
      fc.record({ kind: fc.constant('heal' as const) }),
      fc.record({ kind: fc.constant('disconnect' as const), connection: connectionArb }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 30 }) }),
    );

    const run = (ops: readonly Op[]): string[] => {
      const scheduler = new VirtualScheduler();
      const network = new SimNetwork(scheduler, 3);
      const trace: string[] = [];
      const generation: Record<Connection, number> = { coordinator: 0, broker: 0 };
      const parked: (() => void)[] = [];
      const check = (cond: boolean, what: string): void => {
        if (!cond) throw new Error(`${what} at ${scheduler.now()} (trace: ${trace.join(', ')})`);
      };
      /** Per connection generation, the last request handled and the last response delivered. */
      const lastHandled = new Map<string, number>();
      const lastAnswered = new Map<string, number>();
      let id = 0;
      for (const op of ops) {
        switch (op.kind) {
          case 'send': {
            const n = id++;
            const conn = `${op.connection}#${generation[op.connection]}`;
            const sentCut = network.isPartitioned('c1');
            network.request<number>(
              'c1',
              (reply) => {
                check(!network.isPartitioned('c1'), `request ${n} handled while cut off`);
                const current = `${op.connection}#${generation[op.connection]}`;
                if (sentCut) check(conn === current, `request ${n}, held on the closed ${conn}, handled`);
                check((lastHandled.get(conn) ?? -1) < n, `request ${n} on ${conn} out of order`);
                lastHandled.set(conn, n);
                trace.push(`${scheduler.now()} handled ${n}`);
                if (op.park) parked.push(() => reply(n));
                else reply(n);
              },
              (response) => {
                check(!network.isPartitioned('c1'), `response ${response} delivered while cut off`);
                check(
                  conn === `${op.connection}#${generation[op.connection]}`,
                  `response ${response} of the closed ${conn} delivered`,
                );
                check(
                  (lastAnswered.get(conn) ?? -1) < response || op.park,
                  `response ${response} out of order`,
                );
                if (!op.park) lastAnswered.set(conn, response);
                trace.push(`${scheduler.now()} answered ${response}`);
              },
              op.connection,
            );
            break;
          }
          case 'answer':
            if (parked.length > 0) parked.splice(op.which % parked.length, 1)[0]();
            break;
          case 'partition':
            network.partition('c1', op.forMs === null ? null : scheduler.now() + op.forMs);
            break;
          case 'heal':
            network.partition('c1', null);
            break;
          case 'disconnect':
            generation[op.connection]++;
            network.disconnect('c1', op.connection);
            break;
          case 'wait':
            scheduler.runUntil(scheduler.now() + op.ms);
            break;
        }
      }
      network.partition('c1', null);
      for (const answer of parked) answer();
      scheduler.runUntil(scheduler.now() + 1_000);
      check(network.heldCount('c1') === 0, 'everything held is delivered or dropped once healed');
      return trace;
    };

    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        assert.deepEqual(run(ops), run(ops));
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });
});
