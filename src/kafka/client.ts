/**
 * Our Kafka client: version negotiation, metadata, coordinator discovery and deadlines, over a
 * Transport that only moves bytes. Operations on groups and offsets (groups.ts, offsets.ts) are
 * built on `request()` here.
 */
import {
  KafkaConnectionError,
  OperationTimeoutError,
  parseHostPort,
  type ConnectionSettings,
  type HostPort,
} from './connection';
import { ErrorCode, KafkaProtocolError, isCoordinatorError } from './wire/errors';
import { decodeResponse, encodeRequest, negotiateVersion, type AnyApi } from './wire/frame';
import { FindCoordinator, Metadata, type RequestOf, type ResponseOf } from './wire/messages';
import type { ApiVersionMap, Transport } from './transport/transport';

export interface BrokerInfo extends HostPort {
  readonly nodeId: number;
  readonly rack: string | null;
}

export interface PartitionMetadata {
  readonly partition: number;
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly errorCode: number;
}

export interface TopicMetadata {
  readonly name: string;
  readonly topicId: string;
  readonly isInternal: boolean;
  readonly errorCode: number;
  /** Sorted by partition index. */
  readonly partitions: readonly PartitionMetadata[];
}

export interface ClusterMetadata {
  readonly clusterId: string | null;
  readonly controllerId: number;
  readonly brokers: readonly BrokerInfo[];
  readonly topics: ReadonlyMap<string, TopicMetadata>;
}

export type ClientLog = (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;

/** A time budget shared by every step of one operation; cancelled when the budget runs out. */
export class Deadline {
  readonly endsAt: number;
  lastError: Error | null = null;
  private cancelled = false;
  private wakeSleepers: Array<() => void> = [];
  constructor(
    readonly operation: string,
    readonly budgetMs: number,
  ) {
    this.endsAt = Date.now() + budgetMs;
  }
  remaining(): number {
    return this.cancelled ? 0 : this.endsAt - Date.now();
  }
  /** Throws OperationTimeoutError when the budget is spent (or the operation was given up). */
  check(): void {
    if (this.remaining() <= 0) throw new OperationTimeoutError(this.operation, this.budgetMs, this.lastError);
  }
  /** Waits `ms` (capped by the budget; cut short by cancel()), then checks. */
  async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.max(0, Math.min(ms, this.remaining())));
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleepers.push(done);
    });
    this.check();
  }
  /** Gives the operation up: pending sleeps end and every later check() throws. */
  cancel(): void {
    this.cancelled = true;
    for (const wake of this.wakeSleepers.splice(0)) wake();
  }
}

export interface KafkaClientOptions {
  readonly settings: ConnectionSettings;
  readonly transport: Transport;
  readonly log?: ClientLog;
}

/** The outcome of a coordinator lookup for one group. */
export type CoordinatorLookup = { readonly broker: BrokerInfo } | { readonly error: KafkaProtocolError };

export class KafkaClient {
  readonly settings: ConnectionSettings;
  private readonly transport: Transport;
  private readonly log: ClientLog;
  private metadataCache: ClusterMetadata | null = null;
  private readonly coordinatorCache = new Map<string, BrokerInfo>();
  private readonly versionCache = new Map<string, ApiVersionMap>();
  /** When a broker last failed to answer (host:port → ms), to route around it. */
  private readonly failedAt = new Map<string, number>();

  constructor(options: KafkaClientOptions) {
    this.settings = options.settings;
    this.transport = options.transport;
    this.log = options.log ?? (() => undefined);
  }

  /**
   * Runs `fn` within the settings' timeout. Whatever happens underneath, the returned promise
   * settles by then: with fn's result, its error, or an OperationTimeoutError.
   */
  async withDeadline<T>(operation: string, fn: (d: Deadline) => Promise<T>, budgetMs?: number): Promise<T> {
    const d = new Deadline(operation, budgetMs ?? this.settings.timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new OperationTimeoutError(operation, d.budgetMs, d.lastError));
        d.cancel();
      }, d.budgetMs);
    });
    try {
      return await Promise.race([fn(d), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private key(t: HostPort): string {
    return `${t.host}:${t.port}`;
  }

  /** Connects to a broker (TLS, SASL, ApiVersions) and returns what it supports. */
  async apiVersions(target: HostPort): Promise<ApiVersionMap> {
    const cached = this.versionCache.get(this.key(target));
    if (cached !== undefined) return cached;
    const v = await this.transport.connect(target);
    this.versionCache.set(this.key(target), v);
    return v;
  }

  /**
   * Sends one request, in the highest version both sides support (at least `minVersion`), and
   * decodes the answer. `build` makes the request for the chosen version.
   */
  async request<A extends AnyApi>(
    api: A,
    target: HostPort,
    build: (version: number) => RequestOf<A>,
    d: Deadline,
    options: { readonly maxVersion?: number; readonly minVersion?: number } = {},
  ): Promise<{ readonly version: number; readonly response: ResponseOf<A> }> {
    d.check();
    const versions = await this.apiVersions(target);
    const broker = versions.get(api.apiKey);
    let version = negotiateVersion(api, broker);
    if (version !== null && options.maxVersion !== undefined) version = Math.min(version, options.maxVersion);
    if (version === null || (options.minVersion !== undefined && version < options.minVersion)) {
      throw new UnsupportedApiError(api.name, api.apiKey, broker ?? null, this.key(target));
    }
    const body = encodeRequest(api, version, build(version));
    const timeout = Math.max(1, Math.min(d.remaining(), this.settings.timeoutMs));
    const started = Date.now();
    try {
      const payload = await this.transport.send(
        target,
        { apiKey: api.apiKey, apiVersion: version, apiName: api.name, body },
        timeout,
      );
      this.log(
        'debug',
        `${api.name} v${version} → ${this.key(target)}: ${payload.length} bytes in ${Date.now() - started} ms`,
      );
      this.failedAt.delete(this.key(target));
      return { version, response: decodeResponse(api, version, payload) };
    } catch (e) {
      if (e instanceof KafkaConnectionError) {
        this.versionCache.delete(this.key(target));
        this.failedAt.set(this.key(target), Date.now());
        d.lastError = e;
      }
      throw e;
    }
  }

  /**
   * Reaches the cluster through the bootstrap servers (in order, then again until the deadline)
   * and loads metadata for `topics` (null: all topics; []: none, brokers only).
   */
  async metadata(topics: readonly string[] | null, d: Deadline): Promise<ClusterMetadata> {
    const targets: HostPort[] = [];
    // Known brokers first (a bootstrap address may be down after the first call), then bootstrap.
    const failed = (b: HostPort): number => this.failedAt.get(this.key(b)) ?? 0;
    for (const b of [...(this.metadataCache?.brokers ?? [])].sort((x, y) => failed(x) - failed(y)))
      targets.push(b);
    for (const s of this.settings.bootstrapServers) targets.push(parseHostPort(s));
    const errors: Error[] = [];
    for (let round = 0; ; round++) {
      for (const t of targets) {
        try {
          const { response } = await this.request(
            Metadata,
            t,
            () => ({
              Topics:
                topics === null
                  ? null
                  : topics.map((name) => ({ TopicId: 'AAAAAAAAAAAAAAAAAAAAAA', Name: name })),
              AllowAutoTopicCreation: false,
              IncludeClusterAuthorizedOperations: false,
              IncludeTopicAuthorizedOperations: false,
            }),
            d,
          );
          const md = toClusterMetadata(response);
          this.metadataCache = md;
          return md;
        } catch (e) {
          if (e instanceof UnsupportedApiError || (e instanceof KafkaConnectionError && e.kind === 'auth'))
            throw e;
          if (
            e instanceof KafkaConnectionError &&
            (e.kind === 'tls' || e.kind === 'dns') &&
            round === 0 &&
            targets.length === 1
          ) {
            throw e;
          }
          if (!(e instanceof Error)) throw e;
          errors.push(e);
          d.lastError = e;
          d.check();
        }
      }
      if (round >= 1 && errors.every((e) => e instanceof KafkaConnectionError && e.kind !== 'timeout')) {
        throw errors[errors.length - 1];
      }
      await d.sleep(Math.min(1000, 200 * 2 ** round));
    }
  }

  /** The cached cluster metadata, loading broker metadata when there is none. */
  async brokers(d: Deadline): Promise<readonly BrokerInfo[]> {
    if (this.metadataCache !== null) return this.metadataCache.brokers;
    return (await this.metadata([], d)).brokers;
  }

  async brokerById(nodeId: number, d: Deadline): Promise<BrokerInfo | null> {
    const find = (): BrokerInfo | null =>
      this.metadataCache?.brokers.find((b) => b.nodeId === nodeId) ?? null;
    const hit = find();
    if (hit !== null) return hit;
    await this.metadata([], d);
    return find();
  }

  /** Any live broker, for requests every broker can answer (FindCoordinator). */
  async anyBroker(d: Deadline): Promise<HostPort> {
    const brokers = await this.brokers(d);
    // Prefer brokers that did not fail lately (a stopped broker stays in metadata for a while).
    const failed = (b: HostPort): number => this.failedAt.get(this.key(b)) ?? 0;
    const best = [...brokers].sort((a, b) => failed(a) - failed(b))[0];
    return best ?? parseHostPort(this.settings.bootstrapServers[0]);
  }

  /** Forgets a group's coordinator (after NOT_COORDINATOR and friends). */
  invalidateCoordinator(groupId: string): void {
    this.coordinatorCache.delete(groupId);
  }

  /**
   * Finds the coordinators of `groupIds` (FindCoordinator v4+ batches them in one request; v3
   * asks one by one). Coordinator errors (loading, not available) are retried until the deadline.
   */
  async coordinators(groupIds: readonly string[], d: Deadline): Promise<Map<string, CoordinatorLookup>> {
    const out = new Map<string, CoordinatorLookup>();
    let pending = [...new Set(groupIds)].filter((g) => {
      const c = this.coordinatorCache.get(g);
      if (c !== undefined) out.set(g, { broker: c });
      return c === undefined;
    });
    for (let attempt = 0; pending.length > 0; attempt++) {
      const target = await this.anyBroker(d);
      const retry: string[] = [];
      let results: Array<{
        key: string;
        nodeId: number;
        host: string;
        port: number;
        errorCode: number;
        message: string | null;
      }>;
      try {
        results = await this.findCoordinatorBatch(target, pending, d);
      } catch (e) {
        if (e instanceof KafkaConnectionError && e.kind !== 'auth') {
          d.lastError = e;
          await this.metadata([], d).catch(() => undefined);
          await d.sleep(Math.min(1000, 100 * 2 ** attempt));
          continue;
        }
        throw e;
      }
      for (const r of results) {
        if (r.errorCode === ErrorCode.NONE) {
          const broker: BrokerInfo = { nodeId: r.nodeId, host: r.host, port: r.port, rack: null };
          this.coordinatorCache.set(r.key, broker);
          out.set(r.key, { broker });
        } else if (isCoordinatorError(r.errorCode)) {
          d.lastError = new KafkaProtocolError('FindCoordinator', r.errorCode, `group "${r.key}"`, r.message);
          retry.push(r.key);
        } else {
          out.set(r.key, {
            error: new KafkaProtocolError('FindCoordinator', r.errorCode, `group "${r.key}"`, r.message),
          });
        }
      }
      pending = retry;
      if (pending.length > 0) await d.sleep(Math.min(1000, 100 * 2 ** attempt));
    }
    return out;
  }

  /**
   * Sends work for `groupIds` to their coordinators, batched per coordinator, until every group is
   * settled (`isSettled`) or the deadline passes. `handle` asks one coordinator about its groups
   * and calls `retry(g)` for groups to try again (after finding the coordinator again). When a
   * coordinator cannot be reached its groups are retried too; when a group's coordinator cannot be
   * found at all, `onLookupError` settles it.
   */
  async forEachCoordinator(
    groupIds: readonly string[],
    d: Deadline,
    work: {
      readonly handle: (
        broker: BrokerInfo,
        groups: readonly string[],
        retry: (groupId: string) => void,
      ) => Promise<void>;
      readonly isSettled: (groupId: string) => boolean;
      readonly onLookupError: (groupId: string, error: KafkaProtocolError) => void;
    },
  ): Promise<void> {
    let pending = [...new Set(groupIds)];
    for (let attempt = 0; pending.length > 0; attempt++) {
      const lookups = await this.coordinators(pending, d);
      const byCoordinator = new Map<number, { broker: BrokerInfo; groups: string[] }>();
      for (const g of pending) {
        const l = lookups.get(g);
        if (l === undefined) continue;
        if ('error' in l) {
          work.onLookupError(g, l.error);
          continue;
        }
        const slot = byCoordinator.get(l.broker.nodeId) ?? { broker: l.broker, groups: [] };
        slot.groups.push(g);
        byCoordinator.set(l.broker.nodeId, slot);
      }
      const retry = new Set<string>();
      await Promise.all(
        [...byCoordinator.values()].map(async ({ broker, groups }) => {
          try {
            await work.handle(broker, groups, (g) => retry.add(g));
          } catch (e) {
            if (e instanceof KafkaConnectionError && e.kind !== 'auth') {
              // The coordinator is unreachable (stopped, moving): look it up again.
              d.lastError = e;
              for (const g of groups) {
                this.invalidateCoordinator(g);
                retry.add(g);
              }
              await this.dropConnection(broker);
              return;
            }
            throw e;
          }
        }),
      );
      pending = [...retry].filter((g) => !work.isSettled(g));
      if (pending.length > 0) await d.sleep(Math.min(1000, 100 * 2 ** attempt));
    }
  }

  /**
   * What to do with a group-level error code from a coordinator: 'ok', 'retry' (coordinator
   * moving or loading — the coordinator is looked up again unless it is only loading), or 'fail'.
   */
  coordinatorErrorOutcome(
    groupId: string,
    code: number,
    d: Deadline,
    api: string,
    message: string | null,
  ): 'ok' | 'retry' | 'fail' {
    if (code === ErrorCode.NONE) return 'ok';
    if (!isCoordinatorError(code)) return 'fail';
    d.lastError = new KafkaProtocolError(api, code, `group "${groupId}"`, message);
    if (code !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) this.invalidateCoordinator(groupId);
    return 'retry';
  }

  private async findCoordinatorBatch(
    target: HostPort,
    groupIds: readonly string[],
    d: Deadline,
  ): Promise<
    Array<{
      key: string;
      nodeId: number;
      host: string;
      port: number;
      errorCode: number;
      message: string | null;
    }>
  > {
    const versions = await this.apiVersions(target);
    const v = negotiateVersion(FindCoordinator, versions.get(FindCoordinator.apiKey));
    if (v !== null && v >= 4) {
      const { response } = await this.request(
        FindCoordinator,
        target,
        () => ({ Key: '', KeyType: 0, CoordinatorKeys: groupIds }),
        d,
      );
      return response.Coordinators.map((c) => ({
        key: c.Key,
        nodeId: c.NodeId,
        host: c.Host,
        port: c.Port,
        errorCode: c.ErrorCode,
        message: c.ErrorMessage,
      }));
    }
    return Promise.all(
      groupIds.map(async (g) => {
        const { response } = await this.request(
          FindCoordinator,
          target,
          () => ({ Key: g, KeyType: 0, CoordinatorKeys: [] }),
          d,
          { maxVersion: 3 },
        );
        return {
          key: g,
          nodeId: response.NodeId,
          host: response.Host,
          port: response.Port,
          errorCode: response.ErrorCode,
          message: response.ErrorMessage,
        };
      }),
    );
  }

  /** Forgets a broker's connection after it failed, so the next request reconnects. */
  async dropConnection(target: HostPort): Promise<void> {
    this.versionCache.delete(this.key(target));
    this.failedAt.set(this.key(target), Date.now());
    await this.transport.disconnect(target);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/** The broker does not implement an API (or not a version we can use). */
export class UnsupportedApiError extends Error {
  override readonly name = 'UnsupportedApiError';
  constructor(
    readonly api: string,
    readonly apiKey: number,
    readonly brokerRange: { readonly min: number; readonly max: number } | null,
    broker: string,
  ) {
    super(
      brokerRange === null
        ? `${broker} does not support ${api} (API ${apiKey}); this needs a newer Kafka broker`
        : `${broker} supports ${api} v${brokerRange.min}–v${brokerRange.max}, which this client cannot use; this needs a newer Kafka broker`,
    );
  }
}

function toClusterMetadata(r: ResponseOf<typeof Metadata>): ClusterMetadata {
  const topics = new Map<string, TopicMetadata>();
  for (const t of r.Topics) {
    if (t.Name === null) continue;
    topics.set(t.Name, {
      name: t.Name,
      topicId: t.TopicId,
      isInternal: t.IsInternal,
      errorCode: t.ErrorCode,
      partitions: t.Partitions.map((p) => ({
        partition: p.PartitionIndex,
        leaderId: p.LeaderId,
        leaderEpoch: p.LeaderEpoch,
        replicas: p.ReplicaNodes,
        isr: p.IsrNodes,
        errorCode: p.ErrorCode,
      })).sort((a, b) => a.partition - b.partition),
    });
  }
  return {
    clusterId: r.ClusterId,
    controllerId: r.ControllerId,
    brokers: r.Brokers.map((b) => ({ nodeId: b.NodeId, host: b.Host, port: b.Port, rack: b.Rack })).sort(
      (a, b) => a.nodeId - b.nodeId,
    ),
    topics,
  };
}
