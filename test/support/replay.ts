/**
 * Replaying traffic captured from a real Kafka 4.3.1 broker (test/fixtures/kafka, made by
 * scripts/kafka/capture-fixtures.mjs): a Transport that answers each request with the captured
 * response for the same api, version and content. A unit-test stand-in for the broker.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaClient } from '../../src/kafka';
import { KafkaConnectionError, type HostPort } from '../../src/kafka/connection';
import { decodeRequest, decodeResponse, type AnyApi } from '../../src/kafka/wire/frame';
import { ALL_APIS } from '../../src/kafka/wire/messages';
import type { ApiVersionMap, RawRequest, Transport } from '../../src/kafka/transport/transport';

export const CAPTURE_DIR = join(__dirname, '../../../test/fixtures/kafka');
const FIXTURES = CAPTURE_DIR;

export interface Capture {
  readonly file: string;
  readonly kafkaVersion: string;
  readonly api: string;
  readonly apiKey: number;
  readonly version: number;
  readonly request: string;
  readonly response: string;
}

export function loadCaptures(): Capture[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      file: f,
      ...(JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Omit<Capture, 'file'>),
    }));
}

export function apiOf(apiKey: number): AnyApi {
  const api = ALL_APIS.find((a) => a.apiKey === apiKey);
  if (api === undefined) throw new Error(`no schema for api ${apiKey}`);
  return api;
}
/** Sorts arrays and keys so two decoded requests compare equal regardless of order. */
function canonical(x: unknown): string {
  const norm = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
    if (Array.isArray(v))
      return v
        .map(norm)
        .map((e) => JSON.stringify(e))
        .sort();
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, e]) => [k, norm(e)]),
      );
    }
    return v;
  };
  return JSON.stringify(norm(x));
}

/**
 * A transport that answers from the captures: a request is matched by api, version and content
 * (order-insensitive). Unit-test stand-in for the broker.
 */
function refused(t: HostPort): KafkaConnectionError {
  return new KafkaConnectionError(
    'refused',
    `${t.host}:${t.port}`,
    'connection refused (replay is down)',
    'Start it again.',
  );
}

export class ReplayTransport implements Transport {
  private readonly byKey = new Map<string, Capture>();
  private readonly versions = new Map<number, { min: number; max: number }>();
  readonly sent: string[] = [];
  /** When set, every request fails as if the broker had gone away. */
  down = false;

  constructor(captures: readonly Capture[]) {
    for (const c of captures) {
      const api = apiOf(c.apiKey);
      const req = decodeRequest(api, c.version, Buffer.from(c.request, 'hex'));
      this.byKey.set(`${c.apiKey}/${c.version}/${canonical(req)}`, c);
      const v = this.versions.get(c.apiKey);
      this.versions.set(c.apiKey, { min: 0, max: Math.max(v?.max ?? 0, c.version) });
    }
  }
  connect(target: HostPort): Promise<ApiVersionMap> {
    if (this.down) return Promise.reject(refused(target));
    return Promise.resolve(this.versions);
  }
  send(target: HostPort, request: RawRequest): Promise<Uint8Array> {
    if (this.down) return Promise.reject(refused(target));
    const api = apiOf(request.apiKey);
    const key = `${request.apiKey}/${request.apiVersion}/${canonical(decodeRequest(api, request.apiVersion, request.body))}`;
    this.sent.push(`${request.apiName} v${request.apiVersion}`);
    const c = this.byKey.get(key);
    if (c === undefined) {
      return Promise.reject(
        new Error(
          `no captured answer for ${request.apiName} v${request.apiVersion}; re-run scripts/kafka/capture-fixtures.mjs`,
        ),
      );
    }
    return Promise.resolve(Buffer.from(c.response, 'hex'));
  }
  disconnect(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

export function replayClient(timeoutMs = 5000): { client: KafkaClient; transport: ReplayTransport } {
  const transport = new ReplayTransport(loadCaptures());
  const bootstrap = JSON.parse(readFileSync(join(FIXTURES, 'Metadata-v12-1.json'), 'utf8')) as Capture;
  const md = decodeResponse(apiOf(3), bootstrap.version, Buffer.from(bootstrap.response, 'hex')) as {
    Brokers: ReadonlyArray<{ Host: string; Port: number }>;
  };
  const client = new KafkaClient({
    settings: {
      bootstrapServers: [`${md.Brokers[0].Host}:${md.Brokers[0].Port}`],
      tls: null,
      sasl: null,
      clientId: 'test',
      timeoutMs,
    },
    transport,
  });
  return { client, transport };
}
