/**
 * Request bodies and response payloads as they travel inside a Kafka frame.
 *
 * The frame's request header is written by the transport: header v1 (api key, api version,
 * correlation id, nullable client id). Flexible versions use header v2, which is v1 plus a
 * tagged-field section — so for those we start the body with that section (one 0 byte: no tags).
 * Responses of flexible versions use response header v1: the correlation id, which the transport
 * consumes, then a tagged-field section, which we skip here before the body.
 */
import {
  DecodeError,
  Reader,
  decodeStruct,
  encodeStruct,
  inRange,
  readTaggedFields,
  type AnyField,
} from './codec';
import type { ApiSchema, RequestOf, ResponseOf } from './messages';

export type AnyApi = ApiSchema<readonly AnyField[], readonly AnyField[]>;

export function isFlexible(api: AnyApi, version: number): boolean {
  return inRange(api.flexible, version);
}

function checkVersion(api: AnyApi, version: number): void {
  if (!inRange(api.versions, version)) {
    throw new RangeError(
      `${api.name} v${version} is not implemented (we speak v${api.versions.min}–v${api.versions.max})`,
    );
  }
}

const EMPTY_TAGS = Buffer.from([0]);

/** The request body for `version`, including the header's tagged fields when flexible. */
export function encodeRequest<A extends AnyApi>(api: A, version: number, value: RequestOf<A>): Buffer {
  checkVersion(api, version);
  const flexible = isFlexible(api, version);
  const body = encodeStruct(api.request, value, { version, flexible });
  return flexible ? Buffer.concat([EMPTY_TAGS, body]) : body;
}

/** Decodes a response payload (everything after the correlation id). Trailing bytes are an error. */
export function decodeResponse<A extends AnyApi>(
  api: A,
  version: number,
  payload: Uint8Array,
): ResponseOf<A> {
  checkVersion(api, version);
  const flexible = isFlexible(api, version);
  const r = new Reader(payload);
  if (flexible) readTaggedFields(r, { version, flexible }, `${api.name}ResponseHeader`);
  const value = decodeStruct(r, api.response, { version, flexible });
  if (r.remaining !== 0) {
    throw new DecodeError(`${api.name} v${version} response has ${r.remaining} unexpected trailing bytes`);
  }
  return value as ResponseOf<A>;
}

/** The inverse of encodeRequest (for tests and tools that read captured traffic). */
export function decodeRequest<A extends AnyApi>(api: A, version: number, body: Uint8Array): RequestOf<A> {
  checkVersion(api, version);
  const flexible = isFlexible(api, version);
  const r = new Reader(body);
  if (flexible) readTaggedFields(r, { version, flexible }, `${api.name}RequestHeader`);
  const value = decodeStruct(r, api.request, { version, flexible });
  if (r.remaining !== 0) {
    throw new DecodeError(`${api.name} v${version} request has ${r.remaining} unexpected trailing bytes`);
  }
  return value as RequestOf<A>;
}

/** The inverse of decodeResponse: a response payload as a broker would send it after the correlation id. */
export function encodeResponse<A extends AnyApi>(api: A, version: number, value: ResponseOf<A>): Buffer {
  checkVersion(api, version);
  const flexible = isFlexible(api, version);
  const body = encodeStruct(api.response, value, { version, flexible });
  return flexible ? Buffer.concat([EMPTY_TAGS, body]) : body;
}

/** The highest version both sides speak, or null when the ranges do not meet. */
export function negotiateVersion(
  api: AnyApi,
  broker: { readonly min: number; readonly max: number } | undefined,
): number | null {
  if (broker === undefined) return null;
  const v = Math.min(api.versions.max, broker.max);
  return v >= Math.max(api.versions.min, broker.min) ? v : null;
}
