import type { TopicInfo } from '../../model';
import type { TopicId } from '../assignors/api';

export interface TopicMetadata {
  readonly name: string;
  readonly topicId: TopicId;
  readonly numPartitions: number;
}

export interface MetadataChange {
  /** Version of the image after the change (starts at 0, +1 per change). */
  readonly version: number;
  /** Names of topics created, deleted or resized. */
  readonly changedTopics: readonly string[];
  readonly deletedTopics: readonly string[];
}

/**
 * The cluster's topic metadata as the coordinator sees it (Kafka's MetadataImage, topics only).
 * Coordinators subscribe to changes the way Kafka's `onNewMetadataImage` does.
 */
export class MetadataImage {
  private readonly byName = new Map<string, TopicMetadata>();
  private readonly byId = new Map<TopicId, TopicMetadata>();
  private readonly listeners: ((change: MetadataChange) => void)[] = [];
  private currentVersion = 0;

  constructor(private readonly newTopicId: () => TopicId) {}

  get version(): number {
    return this.currentVersion;
  }

  topic(name: string): TopicMetadata | undefined {
    return this.byName.get(name);
  }

  topicById(id: TopicId): TopicMetadata | undefined {
    return this.byId.get(id);
  }

  /** Topics sorted by name. */
  topics(): TopicMetadata[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  topicInfo(name: string): TopicInfo | undefined {
    const t = this.byName.get(name);
    return t === undefined ? undefined : { name: t.name, topicId: t.topicId, partitions: t.numPartitions };
  }

  onChange(listener: (change: MetadataChange) => void): void {
    this.listeners.push(listener);
  }

  createTopic(name: string, numPartitions: number, topicId?: TopicId): TopicMetadata {
    if (this.byName.has(name)) throw new Error(`topic "${name}" already exists`);
    checkPartitions(name, numPartitions);
    const id = topicId ?? this.newTopicId();
    if (this.byId.has(id)) throw new Error(`topic id ${id} is already used by "${this.byId.get(id)?.name}"`);
    const t: TopicMetadata = { name, topicId: id, numPartitions };
    this.byName.set(name, t);
    this.byId.set(id, t);
    this.changed([name], []);
    return t;
  }

  /** Kafka only grows partition counts; shrinking is refused like CreatePartitions does. */
  setPartitions(name: string, numPartitions: number): TopicMetadata {
    const t = this.byName.get(name);
    if (t === undefined) throw new Error(`topic "${name}" does not exist`);
    checkPartitions(name, numPartitions);
    if (numPartitions < t.numPartitions) {
      throw new Error(
        `topic "${name}" has ${t.numPartitions} partitions; Kafka cannot reduce it to ${numPartitions}`,
      );
    }
    if (numPartitions === t.numPartitions) return t;
    const next: TopicMetadata = { ...t, numPartitions };
    this.byName.set(name, next);
    this.byId.set(t.topicId, next);
    this.changed([name], []);
    return next;
  }

  deleteTopic(name: string): void {
    const t = this.byName.get(name);
    if (t === undefined) throw new Error(`topic "${name}" does not exist`);
    this.byName.delete(name);
    this.byId.delete(t.topicId);
    this.changed([name], [name]);
  }

  private changed(changedTopics: string[], deletedTopics: string[]): void {
    this.currentVersion++;
    const change: MetadataChange = { version: this.currentVersion, changedTopics, deletedTopics };
    for (const l of this.listeners) l(change);
  }
}

function checkPartitions(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`topic "${name}" needs a positive whole number of partitions, got ${n}`);
  }
}
