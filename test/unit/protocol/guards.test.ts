import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  type WebviewMessage,
  isControlRequest,
  isExportSnapshotRequest,
  isHistoryMessage,
  isInitMessage,
  isOpenDetailsRequest,
  isPersistedDashboardState,
  isReadyMessage,
  isReplyMessage,
  isSelectTimeMessage,
  isSimulatorCommand,
  isUpdateMessage,
  parseWebviewMessage,
} from '../../../src/protocol/dashboard';
import { commandArb, webviewMessageArb } from './arbitraries';

const guards = [
  isReadyMessage,
  isSelectTimeMessage,
  isControlRequest,
  isExportSnapshotRequest,
  isHistoryMessage,
  isOpenDetailsRequest,
  isSimulatorCommand,
  isPersistedDashboardState,
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Every path to a value inside a JSON value (the root excluded). */
function paths(v: Json, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push([...prefix, i], ...paths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) out.push([...prefix, k], ...paths(x, [...prefix, k]));
  }
  return out;
}

/** Objects (the root included) inside a JSON value. */
function objectPaths(v: Json, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...objectPaths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object') {
    out.push(prefix);
    for (const [k, x] of Object.entries(v)) out.push(...objectPaths(x, [...prefix, k]));
  }
  return out;
}

function edit(
  v: Json,
  path: Path,
  fn: (parent: Record<string | number, Json>, key: string | number) => void,
): Json {
  const copy = JSON.parse(JSON.stringify(v)) as Json;
  let cur = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  fn(cur, path[path.length - 1]);
  return copy;
}

function get(v: Json, path: Path): Json {
  let cur: Json = v;
  for (const k of path) cur = (cur as Record<string | number, Json>)[k];
  return cur;
}

describe('protocol guards (the webview is untrusted)', () => {
  it('random junk never passes a guard', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withTypedArray: true }),
        (junk) => {
          for (const g of guards) assert.equal(g(junk), false);
          assert.equal(parseWebviewMessage(junk).ok, false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('junk wearing a valid type tag never passes', () => {
    const tagged = fc.record(
      {
        type: fc.constantFrom(
          'ready',
          'select-time',
          'control',
          'export-snapshot',
          'open-details',
          'load-history',
        ),
        id: fc.anything(),
        timeMs: fc.anything(),
        command: fc.anything(),
        target: fc.anything(),
        protocolVersion: fc.anything(),
        beforeTimeMs: fc.anything(),
        max: fc.anything(),
        extra: fc.anything(),
      },
      { requiredKeys: ['type', 'extra'] },
    );
    fc.assert(fc.property(tagged, (m) => assert.equal(parseWebviewMessage(m).ok, false)));
  });

  it('valid messages pass, and survive a JSON round trip unchanged', () => {
    fc.assert(
      fc.property(webviewMessageArb, (m) => {
        const r = parseWebviewMessage(m);
        assert.ok(r.ok, JSON.stringify(m));
        const again = JSON.parse(JSON.stringify(m)) as unknown;
        const r2 = parseWebviewMessage(again);
        assert.ok(r2.ok);
        assert.deepEqual(r2.message, JSON.parse(JSON.stringify(m)));
      }),
    );
  });

  it('every single corruption of a valid message is rejected: extra key, missing key, wrong type, long or control strings', () => {
    fc.assert(
      fc.property(webviewMessageArb, fc.nat(), fc.nat(4), (m: WebviewMessage, pick, how) => {
        const json = m as unknown as Json;
        const leafPaths = paths(json);
        const objPaths = objectPaths(json);
        let bad: Json;
        if (how === 0) {
          const p = objPaths[pick % objPaths.length];
          bad =
            p.length === 0
              ? { ...(json as Record<string, Json>), extra: 1 }
              : edit(json, [...p, 'extra'], (o, k) => (o[k] = 1));
        } else if (how === 1) {
          const keyed = leafPaths.filter((p) => typeof p[p.length - 1] === 'string');
          const p = keyed[pick % keyed.length];
          bad = edit(json, p, (o, k) => delete o[k]);
        } else if (how === 2) {
          const p = leafPaths[pick % leafPaths.length];
          const replacement: Json = [true, {}, -1.5][pick % 3];
          bad = edit(json, p, (o, k) => (o[k] = replacement));
        } else {
          const strings = leafPaths.filter((p) => typeof get(json, p) === 'string');
          if (strings.length === 0) return;
          const p = strings[pick % strings.length];
          const s = get(json, p) as string;
          bad = edit(json, p, (o, k) => (o[k] = how === 3 ? s + 'x'.repeat(1100) : `${s}\u0000`));
        }
        assert.equal(parseWebviewMessage(bad).ok, false, JSON.stringify(bad).slice(0, 300));
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects hostile specifics: prototype tricks, bidi overrides, out-of-range numbers, bad names', () => {
    const bad: unknown[] = [
      JSON.parse('{"type":"ready","protocolVersion":1,"__proto__":{"polluted":true}}'),
      Object.assign(Object.create({ inherited: 1 }) as object, { type: 'ready', protocolVersion: 1 }),
      { type: 'control', id: 1, command: { kind: 'set-speed', speed: 0 } },
      { type: 'control', id: 1, command: { kind: 'set-speed', speed: 1001 } },
      { type: 'control', id: 1, command: { kind: 'set-speed', speed: 1.5 } },
      { type: 'control', id: 1, command: { kind: 'set-speed', speed: Number.NaN } },
      { type: 'control', id: 1, command: { kind: 'set-speed', speed: '10' } },
      { type: 'control', id: 0, command: { kind: 'play' } },
      { type: 'control', id: 2 ** 31, command: { kind: 'play' } },
      { type: 'control', id: 1, command: { kind: 'crash-member', groupId: 'g', memberId: 'm\u202e1' } },
      { type: 'control', id: 1, command: { kind: 'crash-member', groupId: '', memberId: 'm' } },
      { type: 'control', id: 1, command: { kind: 'add-partitions', topic: 'has space', count: 1 } },
      { type: 'control', id: 1, command: { kind: 'add-partitions', topic: 'orders', count: 0 } },
      { type: 'control', id: 1, command: { kind: 'add-partitions', topic: 'x'.repeat(250), count: 1 } },
      {
        type: 'control',
        id: 1,
        command: { kind: 'change-subscription', groupId: 'g', memberId: 'm', topics: ['a', 'a'] },
      },
      {
        type: 'control',
        id: 1,
        command: { kind: 'change-subscription', groupId: 'g', memberId: 'm', topics: 'a' },
      },
      {
        type: 'control',
        id: 1,
        command: { kind: 'add-member', groupId: 'g', protocol: 'eager', assignor: null, instanceId: null },
      },
      {
        type: 'control',
        id: 1,
        command: {
          kind: 'add-member',
          groupId: 'g',
          protocol: 'consumer',
          assignor: null,
          instanceId: '<img>',
        },
      },
      { type: 'control', id: 1, command: { kind: 'slow-member', groupId: 'g', memberId: 'm', delayMs: -1 } },
      { type: 'control', id: 1, command: { kind: 'exec', cmd: 'rm -rf /' } },
      { type: 'load-history', id: 1, beforeTimeMs: null, max: 10 },
      { type: 'load-history', id: 1, beforeTimeMs: 5, max: 0 },
      { type: 'load-history', id: 1, beforeTimeMs: 5, max: 1_000_000 },
      { type: 'select-time', timeMs: -1 },
      { type: 'select-time', timeMs: Number.POSITIVE_INFINITY },
      {
        type: 'open-details',
        id: 1,
        target: { kind: 'partition', topic: 'orders', partition: -1 },
        timeMs: null,
      },
      { type: 'open-details', id: 1, target: { kind: 'file', path: '/etc/passwd' }, timeMs: null },
      [{ type: 'ready', protocolVersion: 1 }],
      'ready',
      null,
    ];
    for (const m of bad) assert.equal(parseWebviewMessage(m).ok, false, JSON.stringify(m));
  });

  it('answers a refused request by its id so the webview is not left waiting', () => {
    const r = parseWebviewMessage({ type: 'control', id: 42, command: { kind: 'nope' } });
    assert.deepEqual(r.ok ? null : r.id, 42);
    const r2 = parseWebviewMessage({ type: 'control', id: 'x', command: { kind: 'play' } });
    assert.deepEqual(r2.ok ? 'ok' : r2.id, null);
    assert.match(r.ok ? '' : r.error, /malformed or unknown message "control"/);
  });

  it('simulator commands: every generated command passes, exact keys only', () => {
    fc.assert(
      fc.property(commandArb, (c) => {
        assert.ok(isSimulatorCommand(c));
        assert.equal(isSimulatorCommand({ ...c, more: 1 }), false);
      }),
    );
  });

  it('persisted state: what the webview saves is checked before the serializer trusts it', () => {
    const good = { v: 1, groupId: 'g', sourceId: 'simulator', tab: 'lag', timeMs: null, filter: '' };
    assert.ok(isPersistedDashboardState(good));
    assert.equal(isPersistedDashboardState({ ...good, tab: 'settings' }), false);
    assert.equal(isPersistedDashboardState({ ...good, v: 2 }), false);
    assert.equal(isPersistedDashboardState({ ...good, filter: 'x'.repeat(300) }), false);
    assert.equal(isPersistedDashboardState({ ...good, sourceId: undefined }), false);
    assert.equal(isPersistedDashboardState(undefined), false);
  });

  it('host-message guards recognise their messages only', () => {
    const init = {
      type: 'init',
      seq: 1,
      init: {
        protocolVersion: 1,
        groupId: 'g',
        history: { base: null, deltas: [] },
        events: [],
        findings: [],
      },
    };
    assert.ok(isInitMessage(init));
    assert.equal(isInitMessage({ ...init, init: { ...init.init, protocolVersion: 2 } }), false);
    assert.ok(isUpdateMessage({ type: 'update', seq: 2, history: { base: null, deltas: [] }, events: [] }));
    assert.equal(isUpdateMessage({ type: 'update', seq: 2, history: null, events: [] }), false);
    assert.ok(isReplyMessage({ type: 'reply', id: 1, ok: true, message: null }));
    assert.ok(isHistoryMessage({ type: 'history', id: 3, history: { base: null, deltas: [] }, more: false }));
    assert.equal(isHistoryMessage({ type: 'history', id: 3, history: { base: null, deltas: [] } }), false);
    assert.equal(isReplyMessage({ type: 'reply', id: '1', ok: true }), false);
  });
});
