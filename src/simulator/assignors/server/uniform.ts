import {
  DEFAULT_KAFKA_VERSION,
  type GroupAssignment,
  type GroupSpec,
  type ServerAssignor,
  type ServerAssignorOptions,
  type SubscribedTopicDescriber,
} from '../api';
import { assignRange } from './range';
import { assignUniformHeterogeneous } from './uniform-heterogeneous';
import { assignUniformHomogeneous } from './uniform-homogeneous';

const DEFAULT_OPTIONS: ServerAssignorOptions = { ordering: 'exact' };

/** Kafka's UniformAssignor ("uniform"): the homogeneous or heterogeneous builder by subscription type. */
export class UniformAssignor implements ServerAssignor {
  readonly name = 'uniform';

  assign(
    spec: GroupSpec,
    topics: SubscribedTopicDescriber,
    options: ServerAssignorOptions = DEFAULT_OPTIONS,
  ): GroupAssignment {
    if (spec.members.size === 0) return new Map();
    return spec.subscriptionType === 'HOMOGENEOUS'
      ? assignUniformHomogeneous(
          spec,
          topics,
          options.ordering,
          options.kafkaVersion ?? DEFAULT_KAFKA_VERSION,
        )
      : assignUniformHeterogeneous(spec, topics, options.ordering);
  }
}

/** Kafka's server-side RangeAssignor ("range"). */
export class ServerRangeAssignor implements ServerAssignor {
  readonly name = 'range';

  assign(
    spec: GroupSpec,
    topics: SubscribedTopicDescriber,
    options: ServerAssignorOptions = DEFAULT_OPTIONS,
  ): GroupAssignment {
    return assignRange(spec, topics, options.ordering);
  }
}
