/**
 * Member ids of classic groups. Kafka's ClassicGroup.generateMemberId builds them as
 * `<client id or group instance id>-<java.util.UUID.randomUUID()>`: a version-4 UUID printed as
 * 36 lower-case hex characters with dashes (not Kafka's own base64 `Uuid`, which the KIP-848
 * protocol uses). Here the 122 random bits come from the simulator's seeded `Random`.
 */
import type { Random } from '../random';

/** `java.util.UUID.randomUUID().toString()` drawn from a seeded generator. */
export function javaRandomUuid(random: Random): string {
  const b = random.bytes16();
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // IETF variant
  let hex = '';
  for (const byte of b) hex += byte.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A new classic member id: the instance id for static members, else the client id, a dash, a UUID. */
export function newClassicMemberId(random: Random, clientId: string, groupInstanceId: string | null): string {
  return `${groupInstanceId ?? clientId}-${javaRandomUuid(random)}`;
}
