/**
 * The classic consumer protocol's embedded payloads, carried as opaque bytes in JoinGroup,
 * SyncGroup and DescribeGroups: ConsumerProtocolSubscription (member metadata, v0–v3) and
 * ConsumerProtocolAssignment (v0–v3). Both start with an int16 version and use the classic
 * (non-flexible) encoding. As Kafka's ConsumerProtocol does, a newer version than we know is read
 * with the newest schema we know: later versions only append fields.
 */
import {
  DecodeError,
  Reader,
  array,
  bytes,
  decodeStruct,
  encodeStruct,
  field,
  int32,
  nullableField,
  str,
  struct,
  type StructValue,
} from './codec';

const TopicPartition = struct(
  'TopicPartition',
  field('Topic', str, '1+'),
  field('Partitions', array(int32), '1+'),
);
const AssignedTopicPartition = struct(
  'TopicPartition',
  field('Topic', str, '0+'),
  field('Partitions', array(int32), '0+'),
);

export const ConsumerProtocolSubscription = struct(
  'ConsumerProtocolSubscription',
  field('Topics', array(str), '0+'),
  nullableField('UserData', bytes, '0+', '0+', { default: null }),
  field('OwnedPartitions', array(TopicPartition), '1+', { ignorable: true }),
  field('GenerationId', int32, '2+', { default: -1, ignorable: true }),
  nullableField('RackId', str, '3+', '3+', { default: null, ignorable: true }),
);

export const ConsumerProtocolAssignment = struct(
  'ConsumerProtocolAssignment',
  field('AssignedPartitions', array(AssignedTopicPartition), '0+'),
  nullableField('UserData', bytes, '0+', '0+', { default: null }),
);

export const CONSUMER_PROTOCOL_MAX_VERSION = 3;

export interface Subscription extends StructValue<typeof ConsumerProtocolSubscription.fields> {
  /** The version the member wrote. */
  readonly version: number;
}
export interface MemberAssignment extends StructValue<typeof ConsumerProtocolAssignment.fields> {
  readonly version: number;
}

function readVersion(r: Reader, what: string): number {
  if (r.remaining < 2) throw new DecodeError(`${what}: too short for a version (${r.remaining} bytes)`);
  const version = r.int16();
  if (version < 0) throw new DecodeError(`${what}: negative version ${version}`);
  return version;
}

/** Decodes a member's subscription metadata. */
export function decodeSubscription(data: Uint8Array): Subscription {
  const r = new Reader(data);
  const version = readVersion(r, 'consumer subscription');
  const v = decodeStruct(r, ConsumerProtocolSubscription, {
    version: Math.min(version, CONSUMER_PROTOCOL_MAX_VERSION),
    flexible: false,
  });
  return { version, ...v };
}

/**
 * Decodes a member's assignment. An empty byte array (a member that has not been synced yet) is
 * an empty assignment.
 */
export function decodeAssignment(data: Uint8Array): MemberAssignment {
  if (data.length === 0) return { version: 0, AssignedPartitions: [], UserData: null };
  const r = new Reader(data);
  const version = readVersion(r, 'consumer assignment');
  const v = decodeStruct(r, ConsumerProtocolAssignment, {
    version: Math.min(version, CONSUMER_PROTOCOL_MAX_VERSION),
    flexible: false,
  });
  return { version, ...v };
}

function withVersion(version: number, body: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeInt16BE(version);
  return Buffer.concat([head, body]);
}

export function encodeSubscription(
  version: number,
  v: StructValue<typeof ConsumerProtocolSubscription.fields>,
): Buffer {
  return withVersion(version, encodeStruct(ConsumerProtocolSubscription, v, { version, flexible: false }));
}

export function encodeAssignment(
  version: number,
  v: StructValue<typeof ConsumerProtocolAssignment.fields>,
): Buffer {
  return withVersion(version, encodeStruct(ConsumerProtocolAssignment, v, { version, flexible: false }));
}
