/**
 * `Uuid.randomUuid().toString()` for the member ids KIP-848 clients generate, from the seeded
 * generator. A small stand-in until the shared Kafka Uuid model (src/simulator/java/uuid.ts)
 * is on main; it produces the same strings that model does for the same random bytes.
 */
import type { Random } from '../random';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** URL-safe base64 without padding (22 characters) of 16 bytes. */
function base64Url(b: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 3 <= 15; i += 3) {
    const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    s += ALPHABET[(v >>> 18) & 63] + ALPHABET[(v >>> 12) & 63] + ALPHABET[(v >>> 6) & 63] + ALPHABET[v & 63];
  }
  return s + ALPHABET[b[15] >>> 2] + ALPHABET[(b[15] & 3) << 4];
}

/**
 * A version-4 random Uuid like `java.util.UUID.randomUUID()`, drawn again while Kafka would refuse
 * it (the reserved ids 0 and 1, or a string form starting with '-').
 */
export function randomKafkaUuid(random: Random): string {
  for (;;) {
    const b = random.bytes16();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const s = base64Url(b);
    // With the version bits set neither reserved id (all zero, or zero with a final 1) can occur.
    if (s.startsWith('-')) continue;
    return s;
  }
}
