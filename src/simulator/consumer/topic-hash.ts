/**
 * KIP-1101 (Kafka 4.1+): a consumer group stores one 64-bit "metadata hash" of the topics it
 * subscribes to instead of a per-topic subscription-metadata record. A heartbeat that finds a
 * different hash bumps the group epoch; that is how a partition-count change, a topic deletion or a
 * re-creation (new topic id) turns into a rebalance.
 *
 * The bytes hashed are Kafka's (`Utils.computeTopicHash`): a magic byte 0, the topic id's two
 * longs, the name, the partition count, then each partition index with its sorted racks (the
 * simulator has no racks). Kafka feeds them to XXH3-64; the simulator uses FNV-1a-64 over the same
 * bytes. The values therefore differ from a real broker's, but they change exactly when Kafka's do
 * (barring a 64-bit collision). The group hash combines the topic hashes sorted by topic name;
 * an empty set hashes to 0, as in `Utils.computeGroupHash`.
 */
import type { TopicMetadata } from '../engine/metadata';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Decodes a Kafka Uuid string (URL-safe base64, 16 bytes). Unparseable ids hash as their text. */
function uuidBytes(id: string): Uint8Array | null {
  const body = id.endsWith('==') ? id.slice(0, -2) : id;
  if (body.length !== 22) return null;
  const out = new Uint8Array(16);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < 22; i++) {
    const v = B64.indexOf(body[i]);
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o < 16) out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}

class Fnv64 {
  private lo = 0x84222325;
  private hi = 0xcbf29ce4;

  byte(b: number): this {
    this.lo = (this.lo ^ (b & 0xff)) >>> 0;
    // × 0x100000001b3 = × 0x1b3 + (× 1 << 40)
    const loMul = this.lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    const newLo = loMul >>> 0;
    const newHi = (Math.imul(this.hi, 0x1b3) + carry + ((this.lo << 8) >>> 0)) >>> 0;
    this.lo = newLo;
    this.hi = newHi;
    return this;
  }

  int(v: number): this {
    // Little-endian, like hash4j's putInt.
    return this.byte(v)
      .byte(v >>> 8)
      .byte(v >>> 16)
      .byte(v >>> 24);
  }

  bytes(bs: Uint8Array): this {
    for (const b of bs) this.byte(b);
    return this;
  }

  string(s: string): this {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      this.byte(c).byte(c >>> 8);
    }
    return this.int(s.length);
  }

  long(hi: number, lo: number): this {
    return this.int(lo).int(hi);
  }

  value(): bigint {
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo));
  }
}

/** The hash of one topic's metadata (`Utils.computeTopicHash`), 0 when the topic is unknown. */
export function computeTopicHash(topic: TopicMetadata | undefined): bigint {
  if (topic === undefined) return 0n;
  const h = new Fnv64().byte(0);
  const id = uuidBytes(topic.topicId);
  if (id === null) {
    h.string(topic.topicId);
  } else {
    // msb then lsb, each a big-endian long in the Uuid, written as a little-endian long.
    const word = (i: number): number =>
      ((id[i] << 24) | (id[i + 1] << 16) | (id[i + 2] << 8) | id[i + 3]) >>> 0;
    h.long(word(0), word(4)).long(word(8), word(12));
  }
  h.string(topic.name).int(topic.numPartitions);
  for (let p = 0; p < topic.numPartitions; p++) h.int(p);
  return h.value();
}

/** `Utils.computeGroupHash`: topic hashes sorted by topic name; 0 for no topics. */
export function computeGroupHash(topicHashes: ReadonlyMap<string, bigint>): bigint {
  if (topicHashes.size === 0) return 0n;
  const names = [...topicHashes.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const h = new Fnv64();
  for (const n of names) {
    const v = BigInt.asUintN(64, topicHashes.get(n) ?? 0n);
    h.long(Number(v >> 32n), Number(v & 0xffffffffn));
  }
  return h.value();
}
