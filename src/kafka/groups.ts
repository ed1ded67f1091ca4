/**
 * Listing and describing groups, the way Kafka's Java admin client does it:
 * - ListGroups goes to every broker (each lists the groups it coordinates), v5 with the types
 *   filter where the broker has it, older versions otherwise (then we filter here).
 * - Describe asks ConsumerGroupDescribe (API 69, KIP-848) first and falls back to DescribeGroups
 *   for a group on GROUP_ID_NOT_FOUND or UNSUPPORTED_VERSION; on NOT_COORDINATOR,
 *   COORDINATOR_NOT_AVAILABLE or COORDINATOR_LOAD_IN_PROGRESS it finds the coordinator again and
 *   retries, until the operation's deadline.
 */
import { type BrokerInfo, type Deadline, type KafkaClient, UnsupportedApiError } from './client';
import {
  decodeAssignment,
  decodeSubscription,
  type MemberAssignment,
  type Subscription,
} from './wire/consumer-protocol';
import { DecodeError } from './wire/codec';
import { KafkaConnectionError } from './connection';
import { ErrorCode, KafkaProtocolError } from './wire/errors';
import { ConsumerGroupDescribe, DescribeGroups, ListGroups, type ResponseOf } from './wire/messages';

/** Group types as ListGroups v5 names them. */
export type GroupType = 'consumer' | 'classic' | 'share' | 'streams';

export interface ListedGroup {
  readonly groupId: string;
  /** "consumer" for consumer groups of both protocols, "" for offset-only groups, "connect", ... */
  readonly protocolType: string;
  /** As the broker prints it (Stable, Empty, ...); null before ListGroups v4. */
  readonly state: string | null;
  /** consumer, classic, share, streams; null before ListGroups v5. */
  readonly type: string | null;
  /** The broker that listed it (its coordinator). */
  readonly coordinatorId: number;
}

export interface ListGroupsResult {
  readonly groups: readonly ListedGroup[];
  /** Brokers that could not be asked: their groups are missing from `groups`. */
  readonly errors: readonly { readonly broker: string; readonly message: string }[];
}

export interface ListGroupsOptions {
  /** Only groups of these types (matched case-insensitively). */
  readonly types?: readonly GroupType[];
  /** Only groups in these states (e.g. Stable, Empty). */
  readonly states?: readonly string[];
}

export async function listGroups(
  client: KafkaClient,
  d: Deadline,
  options: ListGroupsOptions = {},
): Promise<ListGroupsResult> {
  const metadata = await client.metadata([], d);
  const types = (options.types ?? []).map((t) => t.toLowerCase());
  const states = (options.states ?? []).map((s) => s.toLowerCase());
  const errors: Array<{ broker: string; message: string }> = [];
  const perBroker = await Promise.all(
    metadata.brokers.map(async (b) => {
      for (let attempt = 0; ; attempt++) {
        try {
          const { version, response } = await client.request(
            ListGroups,
            b,
            (v) => ({ StatesFilter: v >= 4 ? (options.states ?? []) : [], TypesFilter: v >= 5 ? types : [] }),
            d,
          );
          if (response.ErrorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && attempt < 20) {
            await d.sleep(Math.min(1000, 100 * 2 ** attempt));
            continue;
          }
          if (response.ErrorCode !== ErrorCode.NONE) {
            throw new KafkaProtocolError('ListGroups', response.ErrorCode, `broker ${b.nodeId}`);
          }
          return response.Groups.map((g): ListedGroup => ({
            groupId: g.GroupId,
            protocolType: g.ProtocolType,
            state: version >= 4 ? g.GroupState : null,
            type: version >= 5 ? g.GroupType : null,
            coordinatorId: b.nodeId,
          }));
        } catch (e) {
          if (e instanceof UnsupportedApiError || !(e instanceof Error)) throw e;
          if (e instanceof KafkaConnectionError && e.kind === 'auth') throw e;
          errors.push({ broker: `${b.host}:${b.port} (node ${b.nodeId})`, message: e.message });
          return [];
        }
      }
    }),
  );
  const groups = perBroker
    .flat()
    .filter((g) => types.length === 0 || g.type === null || types.includes(g.type.toLowerCase()))
    .filter((g) => types.length === 0 || g.type !== null || inferTypeMatches(g, types))
    .filter((g) => states.length === 0 || g.state === null || states.includes(g.state.toLowerCase()))
    .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  return { groups, errors };
}

/** Before ListGroups v5 every group is classic (KIP-848 groups need a v5 broker anyway). */
function inferTypeMatches(g: ListedGroup, types: readonly string[]): boolean {
  return types.includes('classic') && g.protocolType !== 'share' && g.protocolType !== 'streams';
}

// ───────────────────────────── describe ─────────────────────────────

export type CgdGroup = ResponseOf<typeof ConsumerGroupDescribe>['Groups'][number];
export type CgdMember = CgdGroup['Members'][number];
export type DgGroup = ResponseOf<typeof DescribeGroups>['Groups'][number];
export type DgMember = DgGroup['Members'][number];

/** A classic member with its consumer-protocol payloads decoded (when protocol type is "consumer"). */
export interface ClassicMember {
  readonly raw: DgMember;
  /** Null when the group is not Stable (the coordinator sends metadata only then) or not a consumer group. */
  readonly subscription: Subscription | null;
  readonly assignment: MemberAssignment | null;
  /** Why a payload could not be decoded, if it could not. */
  readonly decodeError: string | null;
}

export type DescribedGroup =
  | {
      readonly kind: 'consumer';
      readonly groupId: string;
      readonly coordinator: BrokerInfo;
      readonly group: CgdGroup;
      readonly apiVersion: number;
    }
  | {
      readonly kind: 'classic';
      readonly groupId: string;
      readonly coordinator: BrokerInfo;
      readonly group: DgGroup;
      readonly members: readonly ClassicMember[];
      readonly apiVersion: number;
    }
  | { readonly kind: 'not-found'; readonly groupId: string; readonly message: string }
  | { readonly kind: 'error'; readonly groupId: string; readonly error: Error };

function decodeClassicMember(group: DgGroup, m: DgMember): ClassicMember {
  if (group.ProtocolType !== 'consumer') {
    return { raw: m, subscription: null, assignment: null, decodeError: null };
  }
  try {
    return {
      raw: m,
      subscription: m.MemberMetadata.length > 0 ? decodeSubscription(m.MemberMetadata) : null,
      assignment: decodeAssignment(m.MemberAssignment),
      decodeError: null,
    };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { raw: m, subscription: null, assignment: null, decodeError: e.message };
  }
}

/**
 * Describes groups of either protocol. Each group id maps to its description, "not-found", or an
 * error that concerns only that group.
 */
export async function describeGroups(
  client: KafkaClient,
  groupIds: readonly string[],
  d: Deadline,
): Promise<Map<string, DescribedGroup>> {
  const out = new Map<string, DescribedGroup>();
  const useClassic = new Set<string>();
  const notFoundMessages = new Map<string, string>();
  await client.forEachCoordinator(groupIds, d, {
    isSettled: (g) => out.has(g),
    onLookupError: (g, error) => out.set(g, { kind: 'error', groupId: g, error }),
    handle: async (broker, groups, retry) => {
      const modern = groups.filter((g) => !useClassic.has(g));
      const classic = groups.filter((g) => useClassic.has(g));
      if (modern.length > 0)
        await describeModern(client, broker, modern, d, out, retry, useClassic, notFoundMessages);
      if (classic.length > 0) await describeClassic(client, broker, classic, d, out, retry, notFoundMessages);
    },
  });
  return out;
}

async function describeModern(
  client: KafkaClient,
  broker: BrokerInfo,
  groups: readonly string[],
  d: Deadline,
  out: Map<string, DescribedGroup>,
  retry: (groupId: string) => void,
  useClassic: Set<string>,
  notFoundMessages: Map<string, string>,
): Promise<void> {
  let result;
  try {
    result = await client.request(
      ConsumerGroupDescribe,
      broker,
      () => ({ GroupIds: groups, IncludeAuthorizedOperations: false }),
      d,
    );
  } catch (e) {
    if (e instanceof UnsupportedApiError) {
      // The broker predates KIP-848: every group here is a classic group.
      for (const g of groups) {
        useClassic.add(g);
        retry(g);
      }
      return;
    }
    throw e;
  }
  for (const g of result.response.Groups) {
    const code = g.ErrorCode;
    if (code === ErrorCode.GROUP_ID_NOT_FOUND || code === ErrorCode.UNSUPPORTED_VERSION) {
      // Not a KIP-848 group (or the broker predates it): ask DescribeGroups next.
      useClassic.add(g.GroupId);
      if (g.ErrorMessage !== null) notFoundMessages.set(g.GroupId, g.ErrorMessage);
      retry(g.GroupId);
      continue;
    }
    const outcome = client.coordinatorErrorOutcome(
      g.GroupId,
      code,
      d,
      'ConsumerGroupDescribe',
      g.ErrorMessage,
    );
    if (outcome === 'ok') {
      out.set(g.GroupId, {
        kind: 'consumer',
        groupId: g.GroupId,
        coordinator: broker,
        group: g,
        apiVersion: result.version,
      });
    } else if (outcome === 'retry') retry(g.GroupId);
    else out.set(g.GroupId, groupError('ConsumerGroupDescribe', g.GroupId, code, g.ErrorMessage));
  }
}

function groupError(api: string, groupId: string, code: number, message: string | null): DescribedGroup {
  return { kind: 'error', groupId, error: new KafkaProtocolError(api, code, `group "${groupId}"`, message) };
}

async function describeClassic(
  client: KafkaClient,
  broker: BrokerInfo,
  groups: readonly string[],
  d: Deadline,
  out: Map<string, DescribedGroup>,
  retry: (groupId: string) => void,
  notFoundMessages: Map<string, string>,
): Promise<void> {
  const { version, response } = await client.request(
    DescribeGroups,
    broker,
    () => ({ Groups: groups, IncludeAuthorizedOperations: false }),
    d,
  );
  for (const g of response.Groups) {
    const code = g.ErrorCode;
    // DescribeGroups < v6 answers an unknown group with state Dead and no error.
    if (code === ErrorCode.GROUP_ID_NOT_FOUND || (code === ErrorCode.NONE && g.GroupState === 'Dead')) {
      out.set(g.GroupId, {
        kind: 'not-found',
        groupId: g.GroupId,
        message: notFoundMessages.get(g.GroupId) ?? g.ErrorMessage ?? `Group ${g.GroupId} not found.`,
      });
      continue;
    }
    const outcome = client.coordinatorErrorOutcome(g.GroupId, code, d, 'DescribeGroups', g.ErrorMessage);
    if (outcome === 'ok') {
      out.set(g.GroupId, {
        kind: 'classic',
        groupId: g.GroupId,
        coordinator: broker,
        group: g,
        members: g.Members.map((m) => decodeClassicMember(g, m)),
        apiVersion: version,
      });
    } else if (outcome === 'retry') retry(g.GroupId);
    else out.set(g.GroupId, groupError('DescribeGroups', g.GroupId, code, g.ErrorMessage));
  }
}
