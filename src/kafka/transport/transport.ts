/**
 * The byte pipe under our Kafka client: it opens (TLS, SASL) and keeps connections to brokers and
 * moves request bodies and response payloads. Everything above it — encoding, routing, retries —
 * is ours, so the implementation underneath (kafkajs's connections today) can be swapped.
 */
import type { HostPort } from '../connection';

export interface ApiVersionRange {
  readonly min: number;
  readonly max: number;
}

/** The broker's ApiVersions answer: api key → supported versions. */
export type ApiVersionMap = ReadonlyMap<number, ApiVersionRange>;

export interface RawRequest {
  readonly apiKey: number;
  readonly apiVersion: number;
  /** For logs and errors. */
  readonly apiName: string;
  /** Everything after the v1 request header (see wire/frame.ts for flexible versions). */
  readonly body: Buffer;
}

export interface Transport {
  /**
   * Connects (if needed) to the broker at `target`, authenticates, and returns its ApiVersions.
   * Throws KafkaConnectionError with a hint when that fails.
   */
  connect(target: HostPort): Promise<ApiVersionMap>;
  /** Sends one request and returns the response payload after the correlation id. */
  send(target: HostPort, request: RawRequest, timeoutMs: number): Promise<Uint8Array>;
  /** Drops the connection to one broker (e.g. after it failed). */
  disconnect(target: HostPort): Promise<void>;
  close(): Promise<void>;
}
