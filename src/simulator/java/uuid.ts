/**
 * Kafka's `org.apache.kafka.common.Uuid`: 128 bits printed as URL-safe base64 without padding
 * (22 characters). Topic ids are Uuids; their hash code and ordering decide how Kafka's
 * assignors iterate topics, so both are reproduced bit for bit here.
 */
import type { Random } from '../random';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/** Why a string is not a Kafka Uuid, or null when it is one (in its canonical spelling). */
export function uuidSyntaxError(s: string): string | null {
  if (s.length > 24) return `"${s.slice(0, 24)}…" is too long for a base64 Uuid (22 characters expected)`;
  const body = s.endsWith('==') ? s.slice(0, -2) : s;
  if (body.length !== 22) {
    return `"${s}" is not a Kafka Uuid: expected 22 URL-safe base64 characters (A–Z a–z 0–9 - _), got ${body.length}`;
  }
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c >= 128 || DECODE[c] < 0) {
      return `"${s}" is not a Kafka Uuid: character ${JSON.stringify(body[i])} at position ${i} is not URL-safe base64`;
    }
  }
  // The last character carries 2 data bits and 4 padding bits; Java ignores the padding bits,
  // so "...w" and "...x" would name the same Uuid. Only the canonical spelling is accepted.
  if ((DECODE[body.charCodeAt(21)] & 0x0f) !== 0) {
    return `"${s}" is not a canonical Kafka Uuid: its last character has non-zero padding bits (did you mean "${body.slice(0, 21)}${ALPHABET[DECODE[body.charCodeAt(21)] & 0x30]}"?)`;
  }
  return null;
}

/** A Kafka Uuid as four big-endian 32-bit words: msb = (w0, w1), lsb = (w2, w3). */
export class Uuid {
  private cachedString: string | undefined;

  private constructor(
    readonly w0: number,
    readonly w1: number,
    readonly w2: number,
    readonly w3: number,
  ) {}

  static readonly ZERO = new Uuid(0, 0, 0, 0);
  /** `Uuid.ONE_UUID`, also `METADATA_TOPIC_ID`. */
  static readonly ONE = new Uuid(0, 0, 0, 1);

  static fromWords(w0: number, w1: number, w2: number, w3: number): Uuid {
    return new Uuid(w0 | 0, w1 | 0, w2 | 0, w3 | 0);
  }

  static fromBytes(b: Uint8Array): Uuid {
    if (b.length !== 16) throw new RangeError(`a Uuid has 16 bytes, got ${b.length}`);
    const w = (i: number): number => (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3] | 0;
    return new Uuid(w(0), w(4), w(8), w(12));
  }

  /** `Uuid.fromString`; throws RangeError with the reason when `s` is not a canonical Uuid. */
  static parse(s: string): Uuid {
    const err = uuidSyntaxError(s);
    if (err !== null) throw new RangeError(err);
    const bytes = new Uint8Array(16);
    let acc = 0;
    let bits = 0;
    let o = 0;
    for (let i = 0; i < 22; i++) {
      acc = (acc << 6) | DECODE[s.charCodeAt(i)];
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes[o++] = (acc >>> bits) & 0xff;
      }
    }
    const u = Uuid.fromBytes(bytes);
    u.cachedString = s.length === 22 ? s : undefined;
    return u;
  }

  /**
   * `Uuid.randomUuid()` driven by the simulator's seeded Random: a version-4 UUID like
   * `java.util.UUID.randomUUID()`, drawn again while Kafka would refuse it (the reserved ids
   * 0 and 1, or a string form starting with '-').
   */
  static random(rng: Random): Uuid {
    for (;;) {
      const b = rng.bytes16();
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const u = Uuid.fromBytes(b);
      if (u.equals(Uuid.ZERO) || u.equals(Uuid.ONE) || u.toString().startsWith('-')) continue;
      return u;
    }
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(16);
    const words = [this.w0, this.w1, this.w2, this.w3];
    for (let i = 0; i < 4; i++) {
      const v = words[i];
      out[i * 4] = v >>> 24;
      out[i * 4 + 1] = (v >>> 16) & 0xff;
      out[i * 4 + 2] = (v >>> 8) & 0xff;
      out[i * 4 + 3] = v & 0xff;
    }
    return out;
  }

  /** URL-safe base64 without padding, as `Uuid.toString()`. */
  toString(): string {
    if (this.cachedString !== undefined) return this.cachedString;
    const b = this.bytes();
    let s = '';
    let i = 0;
    for (; i + 3 <= 15; i += 3) {
      const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
      s +=
        ALPHABET[(v >>> 18) & 63] + ALPHABET[(v >>> 12) & 63] + ALPHABET[(v >>> 6) & 63] + ALPHABET[v & 63];
    }
    // One byte left (16 = 5·3 + 1): two characters, no padding.
    s += ALPHABET[b[15] >>> 2] + ALPHABET[(b[15] & 3) << 4];
    this.cachedString = s;
    return s;
  }

  /** `Uuid.hashCode()`: x = msb ^ lsb; (int)(x >> 32) ^ (int) x. */
  hashCode(): number {
    return (this.w0 ^ this.w2 ^ this.w1 ^ this.w3) | 0;
  }

  equals(o: Uuid): boolean {
    return this.w0 === o.w0 && this.w1 === o.w1 && this.w2 === o.w2 && this.w3 === o.w3;
  }

  /** `Uuid.compareTo`: signed msb, then signed lsb. */
  compareTo(o: Uuid): number {
    if (this.w0 !== o.w0) return this.w0 < o.w0 ? -1 : 1; // high words: signed
    if (this.w1 !== o.w1) return this.w1 >>> 0 < o.w1 >>> 0 ? -1 : 1; // low words: unsigned
    if (this.w2 !== o.w2) return this.w2 < o.w2 ? -1 : 1;
    if (this.w3 !== o.w3) return this.w3 >>> 0 < o.w3 >>> 0 ? -1 : 1;
    return 0;
  }
}

const cache = new Map<string, Uuid>();

/** Parses (and caches) a topic id string. Throws RangeError when it is not a canonical Uuid. */
export function uuidOf(s: string): Uuid {
  let u = cache.get(s);
  if (u === undefined) {
    u = Uuid.parse(s);
    if (cache.size > 100_000) cache.clear();
    cache.set(s, u);
  }
  return u;
}

/** `Uuid.fromString(s).hashCode()`. */
export function uuidHashCode(s: string): number {
  return uuidOf(s).hashCode();
}

/** `Uuid.fromString(a).compareTo(Uuid.fromString(b))`. */
export function compareUuidStrings(a: string, b: string): number {
  return a === b ? 0 : uuidOf(a).compareTo(uuidOf(b));
}
