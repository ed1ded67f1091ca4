/**
 * Kafka protocol error codes the simulated coordinators return (org.apache.kafka.common.protocol.Errors).
 * Names are Kafka's, so traces and the UI read like a real broker's responses.
 */
export const ERROR_CODES = {
  NONE: 0,
  UNKNOWN_SERVER_ERROR: -1,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  GROUP_AUTHORIZATION_FAILED: 30,
  INVALID_REQUEST: 42,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  MEMBER_ID_REQUIRED: 79,
  FENCED_INSTANCE_ID: 82,
  GROUP_MAX_SIZE_REACHED: 81,
  UNSTABLE_OFFSET_COMMIT: 88,
  UNRELEASED_INSTANCE_ID: 111,
  UNSUPPORTED_ASSIGNOR: 112,
  STALE_MEMBER_EPOCH: 113,
  FENCED_MEMBER_EPOCH: 110,
  INVALID_REGULAR_EXPRESSION: 128,
} as const;

export type ErrorName = keyof typeof ERROR_CODES;

export function errorCode(name: ErrorName): number {
  return ERROR_CODES[name];
}

const BY_CODE = new Map<number, ErrorName>(
  (Object.entries(ERROR_CODES) as [ErrorName, number][]).map(([n, c]) => [c, n]),
);

export function errorName(code: number): ErrorName | `UNKNOWN_ERROR_${number}` {
  return BY_CODE.get(code) ?? `UNKNOWN_ERROR_${code}`;
}

/** Thrown inside a coordinator handler; the handler's caller turns it into an error response. */
export class CoordinatorError extends Error {
  override readonly name = 'CoordinatorError';
  constructor(
    readonly error: ErrorName,
    message?: string,
  ) {
    super(message ?? error);
  }
}
