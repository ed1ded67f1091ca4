/**
 * How a Java key class behaves inside a `java.util.HashMap`: its `hashCode()`, its natural order
 * when it is `Comparable` (used by tree bins), and a JS value with the same equality as `equals()`.
 */
import {
  compareInts,
  compareJavaStrings,
  integerHashCode,
  stringHashCode,
  topicPartitionHashCode,
} from './hash';
import { compareUuidStrings, uuidHashCode } from './uuid';

export interface JavaKeyType<K> {
  /** The Java class name, for messages. */
  readonly name: string;
  hashCode(key: K): number;
  /**
   * `compareTo` when the class is Comparable to itself (String, Integer, Uuid), or null when it is
   * not (TopicPartition): then Java orders colliding keys in a tree bin by identity hash code,
   * which is not reproducible.
   */
  readonly compare: ((a: K, b: K) => number) | null;
  /** A JS Map key equal for two keys exactly when Java's `equals` is true. */
  id(key: K): string | number;
}

export const JAVA_STRING: JavaKeyType<string> = {
  name: 'String',
  hashCode: stringHashCode,
  compare: compareJavaStrings,
  id: (k) => k,
};

export const JAVA_INTEGER: JavaKeyType<number> = {
  name: 'Integer',
  hashCode: integerHashCode,
  compare: compareInts,
  id: (k) => k,
};

/** Kafka `Uuid`, carried as its canonical string (a topic id). */
export const JAVA_UUID: JavaKeyType<string> = {
  name: 'Uuid',
  hashCode: uuidHashCode,
  compare: compareUuidStrings,
  id: (k) => k,
};

export interface TopicPartitionKey {
  readonly topic: string;
  readonly partition: number;
}

/** Kafka `TopicPartition` (not Comparable). */
export const JAVA_TOPIC_PARTITION: JavaKeyType<TopicPartitionKey> = {
  name: 'TopicPartition',
  hashCode: (k) => topicPartitionHashCode(k.topic, k.partition),
  compare: null,
  id: (k) => `${k.partition}|${k.topic}`,
};
