import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  DecodeError,
  EncodeError,
  Reader,
  Writer,
  array,
  decodeStruct,
  encodeStruct,
  field,
  fieldDefault,
  inRange,
  int32,
  int8,
  nullableField,
  str,
  struct,
  versions,
  type AnyField,
  type Type,
} from '../../../src/kafka/wire/codec';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  isFlexible,
  negotiateVersion,
  type AnyApi,
} from '../../../src/kafka/wire/frame';
import { ALL_APIS, ListGroups } from '../../../src/kafka/wire/messages';

/** A fast-check arbitrary for any value of `t` as version `v` can carry it (absent fields take defaults). */
function arbType(t: Type, v: number, depth: number): fc.Arbitrary<unknown> {
  switch (t.kind) {
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'int32':
      return fc.integer({ min: -2147483648, max: 2147483647 });
    case 'int64':
      return fc.maxSafeInteger().map((x) => (Object.is(x, -0) ? 0 : x));
    case 'bool':
      return fc.boolean();
    case 'string':
      return fc.string({ unit: 'binary', maxLength: 12 });
    case 'bytes':
      return fc.uint8Array({ maxLength: 16 });
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64url'));
    case 'array':
      return fc.array(arbType(t.of, v, depth + 1), { maxLength: depth > 2 ? 1 : 3 });
    case 'struct':
      return arbStruct(t.fields, v, depth + 1);
  }
}

function arbStruct(
  fields: readonly AnyField[],
  v: number,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) {
    if (!inRange(f.versions, v)) {
      model[f.name] = fc.constant(fieldDefault(f));
      continue;
    }
    const base = arbType(f.type, v, depth);
    model[f.name] = inRange(f.nullableVersions, v) ? fc.option(base, { nil: null }) : base;
  }
  return fc.record(model);
}

function versionsOf(api: AnyApi): number[] {
  const out: number[] = [];
  for (let v = api.versions.min; v <= api.versions.max; v++) out.push(v);
  return out;
}

/** Buffers decode as Uint8Array slices; compare as plain data. */
function normalize(x: unknown): unknown {
  if (x instanceof Uint8Array) return Buffer.from(x).toString('hex');
  if (Array.isArray(x)) return x.map(normalize);
  if (x !== null && typeof x === 'object') {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, normalize(v)]));
  }
  return x;
}

describe('Kafka wire codec', () => {
  describe('primitives', () => {
    it('writes unsigned varints as Kafka does (7 bits per byte, little-endian groups)', () => {
      const cases: Array<[number, string]> = [
        [0, '00'],
        [1, '01'],
        [127, '7f'],
        [128, '8001'],
        [300, 'ac02'],
        [16383, 'ff7f'],
        [16384, '808001'],
        [0xffffffff, 'ffffffff0f'],
      ];
      for (const [n, hex] of cases) {
        assert.equal(new Writer().uvarint(n).toBuffer().toString('hex'), hex, `uvarint ${n}`);
        assert.equal(new Reader(Buffer.from(hex, 'hex')).uvarint(), n);
      }
    });

    it('round-trips uvarints and zig-zag varints', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
          assert.equal(new Reader(new Writer().uvarint(n).toBuffer()).uvarint(), n);
        }),
      );
      fc.assert(
        fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
          assert.equal(new Reader(new Writer().varint(n).toBuffer()).varint(), n);
        }),
      );
      assert.equal(new Writer().varint(-1).toBuffer().toString('hex'), '01');
      assert.equal(new Writer().varint(1).toBuffer().toString('hex'), '02');
    });

    it('rejects a varint longer than 5 bytes and truncated input, with the offset', () => {
      assert.throws(() => new Reader(Buffer.from('ffffffffff01', 'hex')).uvarint(), DecodeError);
      assert.throws(
        () => new Reader(Buffer.from('0001', 'hex')).int32(),
        /truncated data: int32 needs 4 bytes at offset 0/,
      );
    });

    it('parses Kafka version ranges', () => {
      assert.deepEqual(versions('3+'), { min: 3, max: Infinity });
      assert.deepEqual(versions('0-7'), { min: 0, max: 7 });
      assert.deepEqual(versions('5'), { min: 5, max: 5 });
      assert.equal(inRange(versions('none'), 0), false);
      assert.throws(() => versions('x'));
    });
  });

  describe('classic vs flexible encodings', () => {
    const S = struct(
      'S',
      field('A', int32, '0+'),
      nullableField('B', str, '0+', '0+'),
      field('C', array(str), '0+'),
      field('D', int8, '2+', { default: -1 }),
    );

    it('classic: int16 string length, -1 for null, int32 array count', () => {
      const b = encodeStruct(S, { A: 1, B: null, C: ['x'], D: -1 }, { version: 0, flexible: false });
      assert.equal(b.toString('hex'), '00000001' + 'ffff' + '00000001' + '0001' + '78');
    });

    it('flexible: compact lengths (n + 1, 0 = null) and an empty tagged-field section', () => {
      const b = encodeStruct(S, { A: 1, B: null, C: ['x'], D: 5 }, { version: 2, flexible: true });
      assert.equal(b.toString('hex'), '00000001' + '00' + '02' + '0278' + '05' + '00');
    });

    it('absent fields decode to their defaults and must not carry other values', () => {
      const v0 = decodeStruct(new Reader(Buffer.from('00000007ffff00000000', 'hex')), S, {
        version: 0,
        flexible: false,
      });
      assert.deepEqual(v0, { A: 7, B: null, C: [], D: -1 });
      assert.throws(
        () => encodeStruct(S, { A: 1, B: '', C: [], D: 3 }, { version: 0, flexible: false }),
        (e: unknown) => e instanceof EncodeError && /S\.D is not supported in version 0/.test(e.message),
      );
    });

    it('refuses null where the version does not allow it, in both directions', () => {
      const T = struct('T', field('Name', str, '0+'));
      assert.throws(
        () => encodeStruct(T, { Name: null as unknown as string }, { version: 0, flexible: false }),
        /T\.Name cannot be null in version 0/,
      );
      assert.throws(
        () => decodeStruct(new Reader(Buffer.from('ffff', 'hex')), T, { version: 0, flexible: false }),
        /T\.Name is null but the schema does not allow null/,
      );
    });

    it('skips unknown tagged fields and reads known ones', () => {
      const Tagged = struct('Tagged', field('A', int8, '0+'), field('X', int32, '0+', { tag: 3 }));
      // A=1, tagged section: 2 fields — tag 0 (unknown, 2 bytes), tag 3 (int32 9).
      const bytes = Buffer.from('01' + '02' + '00' + '02' + 'abcd' + '03' + '04' + '00000009', 'hex');
      assert.deepEqual(decodeStruct(new Reader(bytes), Tagged, { version: 0, flexible: true }), {
        A: 1,
        X: 9,
      });
      const again = encodeStruct(Tagged, { A: 1, X: 9 }, { version: 0, flexible: true });
      assert.equal(again.toString('hex'), '01' + '01' + '03' + '04' + '00000009');
      assert.equal(
        encodeStruct(Tagged, { A: 1, X: 0 }, { version: 0, flexible: true }).toString('hex'),
        '0100',
        'a tagged field at its default is not written',
      );
    });

    it('rejects an array count that cannot fit in the remaining bytes (no huge allocation)', () => {
      const T = struct('T', field('Xs', array(int32), '0+'));
      assert.throws(
        () => decodeStruct(new Reader(Buffer.from('7fffffff', 'hex')), T, { version: 0, flexible: false }),
        /announces 2147483647 elements/,
      );
    });
  });

  describe('message framing', function () {
    this.timeout(20_000); // property runs over nested schemas; the first one also warms up the JIT
    it('prefixes flexible request bodies with the header tagged fields and strips them from responses', () => {
      assert.equal(isFlexible(ListGroups, 2), false);
      assert.equal(isFlexible(ListGroups, 3), true);
      const v2 = encodeRequest(ListGroups, 2, { StatesFilter: [], TypesFilter: [] });
      assert.equal(v2.length, 0, 'ListGroups v0–2 has an empty body');
      const v5 = encodeRequest(ListGroups, 5, { StatesFilter: ['Stable'], TypesFilter: ['consumer'] });
      assert.equal(
        v5.toString('hex'),
        '00' +
          '02' +
          '07' +
          Buffer.from('Stable').toString('hex') +
          '02' +
          '09' +
          Buffer.from('consumer').toString('hex') +
          '00',
      );
      assert.throws(
        () => encodeRequest(ListGroups, 4, { StatesFilter: [], TypesFilter: ['consumer'] }),
        /TypesFilter is not supported in version 4/,
      );
    });

    it('rejects trailing bytes in a response (a schema mismatch must not pass silently)', () => {
      const good = encodeResponse(ListGroups, 5, { ThrottleTimeMs: 0, ErrorCode: 0, Groups: [] });
      assert.throws(
        () => decodeResponse(ListGroups, 5, Buffer.concat([good, Buffer.from([0])])),
        /1 unexpected trailing bytes/,
      );
    });

    it('negotiates the highest common version', () => {
      assert.equal(negotiateVersion(ListGroups, { min: 0, max: 9 }), 5);
      assert.equal(negotiateVersion(ListGroups, { min: 0, max: 3 }), 3);
      assert.equal(negotiateVersion(ListGroups, undefined), null);
      assert.equal(negotiateVersion({ ...ListGroups, versions: versions('4-5') }, { min: 0, max: 3 }), null);
    });

    for (const api of ALL_APIS) {
      for (const v of versionsOf(api)) {
        it(`${api.name} v${v}: request and response round-trip for arbitrary values`, () => {
          fc.assert(
            fc.property(
              arbStruct(api.request.fields, v, 0),
              arbStruct(api.response.fields, v, 0),
              (req, res) => {
                const reqBytes = encodeRequest(api, v, req as never);
                assert.deepEqual(normalize(decodeRequest(api, v, reqBytes)), normalize(req));
                const resBytes = encodeResponse(api, v, res as never);
                assert.deepEqual(normalize(decodeResponse(api, v, resBytes)), normalize(res));
                // Encoding is a function of the value: re-encoding the decoded value gives the same bytes.
                assert.ok(encodeResponse(api, v, decodeResponse(api, v, resBytes) as never).equals(resBytes));
              },
            ),
            { numRuns: 60 },
          );
        });
      }
    }

    it('every truncation of a valid response is a DecodeError, never another exception', () => {
      for (const api of ALL_APIS) {
        const v = api.versions.max;
        fc.assert(
          fc.property(arbStruct(api.response.fields, v, 0), fc.nat(), (res, cut) => {
            const bytes = encodeResponse(api, v, res as never);
            if (bytes.length === 0) return;
            const n = cut % bytes.length;
            assert.throws(() => decodeResponse(api, v, bytes.subarray(0, n)), DecodeError);
          }),
          { numRuns: 40 },
        );
      }
    });
  });
});
