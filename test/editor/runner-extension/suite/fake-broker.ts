// A listener that speaks just enough of Kafka's protocol for a client to reach SASL PLAIN
// authentication (ApiVersions, SaslHandshake, SaslAuthenticate) and records what the client sent,
// then refuses the login. The in-editor tests use it to see the password the extension sends
// without a real broker: the proof that it came out of SecretStorage intact. It can also be
// silent (accept, never answer) to test timeouts.
import { createServer, type Server, type Socket } from 'node:net';

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

export interface FakeBroker {
  readonly port: number;
  /** Every request: api key and the raw request (header + body). */
  readonly requests: { apiKey: number; raw: Buffer }[];
  /** Accept connections but never answer. */
  silent: boolean;
  close(): Promise<void>;
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function str(s: string): Buffer {
  return Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]);
}

function response(correlationId: number, body: Buffer): Buffer {
  return Buffer.concat([int32(body.length + 4), int32(correlationId), body]);
}

function answer(apiKey: number, version: number, correlationId: number): Buffer | null {
  switch (apiKey) {
    case API_VERSIONS: {
      const apis: Array<[number, number, number]> = [
        [API_VERSIONS, 0, 2],
        [SASL_HANDSHAKE, 1, 1],
        [SASL_AUTHENTICATE, 0, 0],
        [3, 0, 9], // Metadata
      ];
      const body = [
        int16(0),
        int32(apis.length),
        ...apis.flatMap(([k, min, max]) => [int16(k), int16(min), int16(max)]),
      ];
      if (version >= 1) body.push(int32(0)); // throttle_time_ms
      return response(correlationId, Buffer.concat(body));
    }
    case SASL_HANDSHAKE:
      return response(correlationId, Buffer.concat([int16(0), int32(1), str('PLAIN')]));
    case SASL_AUTHENTICATE:
      // SASL_AUTHENTICATION_FAILED with a message, no auth bytes.
      return response(
        correlationId,
        Buffer.concat([int16(58), str('fake broker: login recorded and refused'), int32(0)]),
      );
    default:
      return null;
  }
}

function serve(socket: Socket, broker: FakeBroker): void {
  let pending = Buffer.alloc(0);
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0);
      if (pending.length < 4 + size) return;
      const raw = pending.subarray(4, 4 + size);
      pending = pending.subarray(4 + size);
      const apiKey = raw.readInt16BE(0);
      broker.requests.push({ apiKey, raw: Buffer.from(raw) });
      if (broker.silent) continue;
      const reply = answer(apiKey, raw.readInt16BE(2), raw.readInt32BE(4));
      if (reply === null) socket.destroy();
      else socket.write(reply);
    }
  });
}

/** Listens on the first free port of `ports` (127.0.0.1 only). */
export async function startFakeBroker(ports: readonly number[]): Promise<FakeBroker> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const broker: FakeBroker = {
    port: 0,
    requests: [],
    silent: false,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
  for (const port of ports) {
    const s = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      serve(socket, broker);
    });
    const ok = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false));
      s.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(true));
    });
    if (ok) {
      server = s;
      (broker as { port: number }).port = port;
      return broker;
    }
  }
  throw new Error(`no free port for the fake broker in ${ports[0]}–${ports[ports.length - 1]}`);
}

/** The ports the editor suite may use for it: KGD_EDITOR_TEST_PORTS=first-last, else 18095–18099. */
export function fakeBrokerPorts(): number[] {
  const m = /^(\d+)-(\d+)$/.exec(process.env.KGD_EDITOR_TEST_PORTS ?? '');
  const [first, last] = m === null ? [18095, 18099] : [Number(m[1]), Number(m[2])];
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}
