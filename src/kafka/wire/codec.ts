/**
 * A small schema-driven codec for Kafka's wire format. A message is described once, as data
 * (`struct(...)` of `field(...)`s with the versions they exist in), and the same description
 * encodes and decodes every version of it — classic (int16/int32 length prefixes) and flexible
 * (compact strings and arrays with unsigned-varint lengths, tagged fields). The TypeScript type
 * of a decoded value is inferred from the description, so a schema and its users cannot drift.
 *
 * Wire facts (from Kafka's protocol guide and message schemas):
 * - int8/16/32/64 are big-endian; uuid is 16 bytes; bool is one byte.
 * - Classic: string = int16 length (−1 null) + UTF-8; bytes = int32 length (−1 null); array = int32
 *   count (−1 null).
 * - Flexible: compact string/bytes/array = unsigned varint (length + 1), 0 meaning null; every
 *   struct ends with a tagged-field section: uvarint count, then per field uvarint tag, uvarint
 *   size, data.
 */

/** Malformed or truncated bytes, or bytes that do not fit the schema. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

/** A value that cannot be sent in the chosen version (like Kafka's UnsupportedVersionException). */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
}

// ───────────────────────────── versions ─────────────────────────────

/** An inclusive version range; `max` is Infinity for "N+". */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export const NO_VERSIONS: VersionRange = Object.freeze({ min: 1, max: 0 });

/** Parses Kafka's version notation: "3+", "0-7", "5", "none". */
export function versions(spec: string): VersionRange {
  if (spec === 'none') return NO_VERSIONS;
  const plus = /^(\d+)\+$/.exec(spec);
  if (plus) return Object.freeze({ min: Number(plus[1]), max: Infinity });
  const range = /^(\d+)-(\d+)$/.exec(spec);
  if (range) return Object.freeze({ min: Number(range[1]), max: Number(range[2]) });
  if (/^\d+$/.test(spec)) return Object.freeze({ min: Number(spec), max: Number(spec) });
  throw new Error(`bad version range "${spec}"`);
}

export function inRange(r: VersionRange, v: number): boolean {
  return v >= r.min && v <= r.max;
}

// ───────────────────────────── types ─────────────────────────────

export interface Int8T {
  readonly kind: 'int8';
}
export interface Int16T {
  readonly kind: 'int16';
}
export interface Int32T {
  readonly kind: 'int32';
}
/** int64 decoded as a JS number: offsets and timestamps stay far below 2^53 in practice. */
export interface Int64T {
  readonly kind: 'int64';
}
export interface BoolT {
  readonly kind: 'bool';
}
export interface StringT {
  readonly kind: 'string';
}
export interface BytesT {
  readonly kind: 'bytes';
}
/** A Kafka Uuid, as Kafka prints it: 22 characters of unpadded base64url. */
export interface UuidT {
  readonly kind: 'uuid';
}
export interface ArrayT<E extends Type = Type> {
  readonly kind: 'array';
  readonly of: E;
}
export interface StructT<F extends readonly AnyField[] = readonly AnyField[]> {
  readonly kind: 'struct';
  readonly name: string;
  readonly fields: F;
}

export type Type = Int8T | Int16T | Int32T | Int64T | BoolT | StringT | BytesT | UuidT | ArrayT | StructT;

export interface Field<N extends string, T extends Type, Nullable extends boolean> {
  readonly name: N;
  readonly type: T;
  readonly versions: VersionRange;
  /** Versions in which null is allowed (only for strings, bytes, arrays and structs). */
  readonly nullableVersions: VersionRange;
  /** Whether a non-default value may be silently dropped in versions that lack the field. */
  readonly ignorable: boolean;
  /** Tagged fields live in the struct's tagged section (flexible versions only). */
  readonly tag: number | null;
  readonly defaultValue: FieldValue<Field<N, T, Nullable>> | undefined;
  /** Phantom marker for the type system. */
  readonly nullable: Nullable;
}

export type AnyField = Field<string, Type, boolean>;

/** The JS value of a type. */
export type ValueOf<T> = T extends Int8T | Int16T | Int32T | Int64T
  ? number
  : T extends BoolT
    ? boolean
    : T extends StringT | UuidT
      ? string
      : T extends BytesT
        ? Uint8Array
        : T extends ArrayT<infer E>
          ? readonly ValueOf<E>[]
          : T extends StructT<infer F>
            ? StructValue<F>
            : never;

export type FieldValue<K> =
  K extends Field<string, infer T, infer Nullable>
    ? Nullable extends true
      ? ValueOf<T> | null
      : ValueOf<T>
    : never;

export type StructValue<F extends readonly AnyField[]> = {
  readonly [K in F[number] as K['name']]: FieldValue<K>;
};

export const int8: Int8T = Object.freeze({ kind: 'int8' });
export const int16: Int16T = Object.freeze({ kind: 'int16' });
export const int32: Int32T = Object.freeze({ kind: 'int32' });
export const int64: Int64T = Object.freeze({ kind: 'int64' });
export const bool: BoolT = Object.freeze({ kind: 'bool' });
export const str: StringT = Object.freeze({ kind: 'string' });
export const bytes: BytesT = Object.freeze({ kind: 'bytes' });
export const uuid: UuidT = Object.freeze({ kind: 'uuid' });

export function array<E extends Type>(of: E): ArrayT<E> {
  return Object.freeze({ kind: 'array', of });
}

export function struct<const F extends readonly AnyField[]>(name: string, ...fields: F): StructT<F> {
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw new Error(`${name}: duplicate field ${f.name}`);
    seen.add(f.name);
  }
  return Object.freeze({ kind: 'struct', name, fields });
}

interface FieldOptions<V> {
  readonly ignorable?: boolean;
  readonly default?: V;
  readonly tag?: number;
}

/** A field that is never null. */
export function field<const N extends string, T extends Type>(
  name: N,
  type: T,
  versionSpec: string,
  options: FieldOptions<ValueOf<T>> = {},
): Field<N, T, false> {
  return Object.freeze({
    name,
    type,
    versions: versions(versionSpec),
    nullableVersions: NO_VERSIONS,
    ignorable: options.ignorable ?? false,
    tag: options.tag ?? null,
    defaultValue: options.default as FieldValue<Field<N, T, false>> | undefined,
    nullable: false,
  });
}

/** A field that may be null in `nullableSpec` versions (strings, bytes, arrays, structs). */
export function nullableField<const N extends string, T extends Type>(
  name: N,
  type: T,
  versionSpec: string,
  nullableSpec: string,
  options: FieldOptions<ValueOf<T> | null> = {},
): Field<N, T, true> {
  if (type.kind !== 'string' && type.kind !== 'bytes' && type.kind !== 'array' && type.kind !== 'struct') {
    throw new Error(`${name}: ${type.kind} cannot be nullable`);
  }
  return Object.freeze({
    name,
    type,
    versions: versions(versionSpec),
    nullableVersions: versions(nullableSpec),
    ignorable: options.ignorable ?? false,
    tag: options.tag ?? null,
    defaultValue: options.default as FieldValue<Field<N, T, true>> | undefined,
    nullable: true,
  });
}

// ───────────────────────────── defaults ─────────────────────────────

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function defaultOf(t: Type): unknown {
  switch (t.kind) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      return 0;
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return new Uint8Array(0);
    case 'uuid':
      return ZERO_UUID;
    case 'array':
      return [];
    case 'struct': {
      const out: Record<string, unknown> = {};
      for (const f of t.fields) out[f.name] = fieldDefault(f);
      return out;
    }
  }
}

export function fieldDefault(f: AnyField): unknown {
  return f.defaultValue !== undefined ? f.defaultValue : defaultOf(f.type);
}

function isDefault(f: AnyField, v: unknown): boolean {
  const d = fieldDefault(f);
  if (v === d) return true;
  if (Array.isArray(v)) return v.length === 0 && Array.isArray(d) && d.length === 0;
  if (v instanceof Uint8Array) return v.length === 0 && d instanceof Uint8Array && d.length === 0;
  return false;
}

// ───────────────────────────── Writer ─────────────────────────────

export class Writer {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }
  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  int64(v: number): this {
    if (!Number.isInteger(v)) throw new EncodeError(`int64 value ${v} is not an integer`);
    this.ensure(8);
    this.buf.writeBigInt64BE(BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }
  uvarint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new EncodeError(`uvarint out of range: ${v}`);
    let x = v;
    while (x >= 0x80) {
      this.int8Raw((x & 0x7f) | 0x80);
      x = Math.floor(x / 128);
    }
    return this.int8Raw(x);
  }
  /** Zig-zag signed varint (record headers; not used by the group APIs). */
  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  private int8Raw(b: number): this {
    this.ensure(1);
    this.buf[this.pos++] = b;
    return this;
  }

  get length(): number {
    return this.pos;
  }

  /** The bytes written so far (a copy). */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

// ───────────────────────────── Reader ─────────────────────────────

export class Reader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    offset = 0,
  ) {
    this.pos = offset;
  }

  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new DecodeError(
        `truncated data: ${what} needs ${n} bytes at offset ${this.pos}, only ${this.buf.length - this.pos} left`,
      );
    }
  }

  private view(n: number): DataView {
    return new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, n);
  }

  int8(): number {
    this.need(1, 'int8');
    const v = this.view(1).getInt8(0);
    this.pos += 1;
    return v;
  }
  int16(): number {
    this.need(2, 'int16');
    const v = this.view(2).getInt16(0);
    this.pos += 2;
    return v;
  }
  int32(): number {
    this.need(4, 'int32');
    const v = this.view(4).getInt32(0);
    this.pos += 4;
    return v;
  }
  int64(): number {
    this.need(8, 'int64');
    const v = this.view(8).getBigInt64(0);
    this.pos += 8;
    return Number(v);
  }
  uvarint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 5; i++) {
      this.need(1, 'varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new DecodeError(`varint longer than 5 bytes at offset ${this.pos - 5}`);
  }
  varint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
  raw(n: number): Uint8Array {
    this.need(n, 'bytes');
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(n: number): void {
    this.need(n, 'skipped bytes');
    this.pos += n;
  }
  utf8(n: number): string {
    this.need(n, 'string');
    const s = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos, n).toString('utf8');
    this.pos += n;
    return s;
  }
  /** Checks that an announced element count can possibly fit in the remaining bytes. */
  plausibleCount(n: number, minElementSize: number, what: string): void {
    if (n * minElementSize > this.remaining) {
      throw new DecodeError(`${what} announces ${n} elements but only ${this.remaining} bytes are left`);
    }
  }
}

// ───────────────────────────── interpreter ─────────────────────────────

export interface Ctx {
  readonly version: number;
  readonly flexible: boolean;
}

function uuidToBytes(s: string): Buffer {
  const b = Buffer.from(s, 'base64url');
  if (b.length !== 16) throw new EncodeError(`"${s}" is not a Kafka Uuid (16 bytes of base64url)`);
  return b;
}

/** Smallest encoding of one element, to reject absurd counts before allocating. */
function minSize(t: Type, flexible: boolean): number {
  switch (t.kind) {
    case 'int8':
    case 'bool':
      return 1;
    case 'int16':
      return 2;
    case 'int32':
      return 4;
    case 'int64':
      return 8;
    case 'uuid':
      return 16;
    case 'string':
      return flexible ? 1 : 2;
    case 'bytes':
      return flexible ? 1 : 4;
    case 'array':
      return flexible ? 1 : 4;
    case 'struct':
      return flexible ? 1 : 0;
  }
}

function writeNullMarker(w: Writer, t: Type, ctx: Ctx): void {
  switch (t.kind) {
    case 'string':
      if (ctx.flexible) w.uvarint(0);
      else w.int16(-1);
      return;
    case 'bytes':
    case 'array':
      if (ctx.flexible) w.uvarint(0);
      else w.int32(-1);
      return;
    case 'struct':
      w.int8(-1);
      return;
    default:
      throw new EncodeError(`${t.kind} cannot be null`);
  }
}

export function writeValue(w: Writer, t: Type, v: unknown, ctx: Ctx, path: string): void {
  switch (t.kind) {
    case 'int8':
      return void w.int8(num(v, path));
    case 'int16':
      return void w.int16(num(v, path));
    case 'int32':
      return void w.int32(num(v, path));
    case 'int64':
      return void w.int64(num(v, path));
    case 'bool':
      if (typeof v !== 'boolean') throw new EncodeError(`${path}: expected a boolean`);
      return void w.int8(v ? 1 : 0);
    case 'uuid':
      if (typeof v !== 'string') throw new EncodeError(`${path}: expected a Uuid string`);
      return void w.raw(uuidToBytes(v));
    case 'string': {
      if (typeof v !== 'string') throw new EncodeError(`${path}: expected a string`);
      const b = Buffer.from(v, 'utf8');
      if (ctx.flexible) w.uvarint(b.length + 1);
      else {
        if (b.length > 0x7fff) throw new EncodeError(`${path}: string longer than 32767 bytes`);
        w.int16(b.length);
      }
      return void w.raw(b);
    }
    case 'bytes': {
      if (!(v instanceof Uint8Array)) throw new EncodeError(`${path}: expected bytes`);
      if (ctx.flexible) w.uvarint(v.length + 1);
      else w.int32(v.length);
      return void w.raw(v);
    }
    case 'array': {
      if (!Array.isArray(v)) throw new EncodeError(`${path}: expected an array`);
      if (ctx.flexible) w.uvarint(v.length + 1);
      else w.int32(v.length);
      v.forEach((e, i) => writeValue(w, t.of, e, ctx, `${path}[${i}]`));
      return;
    }
    case 'struct':
      return writeStruct(w, t, v, ctx, path);
  }
}

function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new EncodeError(`${path}: expected a number`);
  return v;
}

function writeStruct(w: Writer, t: StructT, v: unknown, ctx: Ctx, path: string): void {
  if (typeof v !== 'object' || v === null) throw new EncodeError(`${path}: expected a ${t.name} object`);
  const obj = v as Record<string, unknown>;
  const tagged: AnyField[] = [];
  for (const f of t.fields) {
    const fv = obj[f.name];
    const fpath = `${path}.${f.name}`;
    if (!inRange(f.versions, ctx.version)) {
      if (fv !== undefined && !isDefault(f, fv) && !f.ignorable) {
        throw new EncodeError(`${fpath} is not supported in version ${ctx.version}`);
      }
      continue;
    }
    if (f.tag !== null) {
      if (ctx.flexible && fv !== undefined && !isDefault(f, fv)) tagged.push(f);
      continue;
    }
    writeFieldValue(w, f, fv === undefined ? fieldDefault(f) : fv, ctx, fpath);
  }
  if (ctx.flexible) {
    tagged.sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0));
    w.uvarint(tagged.length);
    for (const f of tagged) {
      const inner = new Writer(64);
      writeFieldValue(inner, f, obj[f.name], ctx, `${path}.${f.name}`);
      w.uvarint(f.tag ?? 0);
      w.uvarint(inner.length);
      w.raw(inner.toBuffer());
    }
  }
}

function writeFieldValue(w: Writer, f: AnyField, v: unknown, ctx: Ctx, path: string): void {
  if (v === null) {
    if (!inRange(f.nullableVersions, ctx.version)) {
      throw new EncodeError(`${path} cannot be null in version ${ctx.version}`);
    }
    writeNullMarker(w, f.type, ctx);
    return;
  }
  // A nullable struct carries a presence byte before its fields.
  if (f.type.kind === 'struct' && inRange(f.nullableVersions, ctx.version)) w.int8(1);
  writeValue(w, f.type, v, ctx, path);
}

export function readValue(r: Reader, t: Type, ctx: Ctx, nullable: boolean, path: string): unknown {
  switch (t.kind) {
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'int32':
      return r.int32();
    case 'int64':
      return r.int64();
    case 'bool':
      return r.int8() !== 0;
    case 'uuid':
      return Buffer.from(r.raw(16)).toString('base64url');
    case 'string': {
      const n = ctx.flexible ? r.uvarint() - 1 : r.int16();
      if (n < 0) return nullOrFail(nullable, path);
      return r.utf8(n);
    }
    case 'bytes': {
      const n = ctx.flexible ? r.uvarint() - 1 : r.int32();
      if (n < 0) return nullOrFail(nullable, path);
      return r.raw(n);
    }
    case 'array': {
      const n = ctx.flexible ? r.uvarint() - 1 : r.int32();
      if (n < 0) return nullOrFail(nullable, path);
      r.plausibleCount(n, minSize(t.of, ctx.flexible), path);
      const out: unknown[] = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = readValue(r, t.of, ctx, false, path);
      return out;
    }
    case 'struct': {
      if (nullable && r.int8() < 0) return null;
      return readStruct(r, t, ctx, path);
    }
  }
}

function nullOrFail(nullable: boolean, path: string): null {
  if (!nullable) throw new DecodeError(`${path} is null but the schema does not allow null there`);
  return null;
}

function readStruct(r: Reader, t: StructT, ctx: Ctx, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byTag = new Map<number, AnyField>();
  for (const f of t.fields) {
    if (!inRange(f.versions, ctx.version)) {
      out[f.name] = fieldDefault(f);
      continue;
    }
    if (f.tag !== null) {
      out[f.name] = fieldDefault(f);
      byTag.set(f.tag, f);
      continue;
    }
    out[f.name] = readValue(r, f.type, ctx, inRange(f.nullableVersions, ctx.version), `${path}.${f.name}`);
  }
  if (ctx.flexible) readTaggedFields(r, ctx, path, byTag, out);
  return out;
}

/** Reads a tagged-field section; known tags fill `out`, unknown ones are skipped. */
export function readTaggedFields(
  r: Reader,
  ctx: Ctx,
  path: string,
  known: ReadonlyMap<number, AnyField> = new Map(),
  out: Record<string, unknown> = {},
): void {
  const count = r.uvarint();
  r.plausibleCount(count, 2, `${path} tagged fields`);
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const f = known.get(tag);
    if (f === undefined) {
      r.skip(size);
      continue;
    }
    const inner = new Reader(r.raw(size));
    out[f.name] = readValue(
      inner,
      f.type,
      ctx,
      inRange(f.nullableVersions, ctx.version),
      `${path}.${f.name}`,
    );
  }
}

/** Encodes a struct value in a version. */
export function encodeStruct<F extends readonly AnyField[]>(
  t: StructT<F>,
  value: StructValue<F>,
  ctx: Ctx,
): Buffer {
  const w = new Writer();
  writeStruct(w, t, value, ctx, t.name);
  return w.toBuffer();
}

/** Decodes a struct value in a version from a reader positioned at its start. */
export function decodeStruct<F extends readonly AnyField[]>(
  r: Reader,
  t: StructT<F>,
  ctx: Ctx,
): StructValue<F> {
  return readStruct(r, t, ctx, t.name) as StructValue<F>;
}
