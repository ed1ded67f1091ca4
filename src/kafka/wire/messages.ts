/**
 * The Kafka APIs this project speaks, described for the codec in ./codec.ts. Field names, types and
 * version ranges follow Apache Kafka 4.3.1's message schemas (clients/src/main/resources/common/
 * message/*.json; copies of several are in shared/reference/kafka-protocol). Only the versions we
 * implement are listed in `versions`; a schema may describe fields of other versions too.
 */
import {
  array,
  bool,
  bytes,
  field,
  int16,
  int32,
  int64,
  int8,
  nullableField,
  str,
  struct,
  uuid,
  versions,
  type AnyField,
  type StructT,
  type StructValue,
  type VersionRange,
} from './codec';

export interface ApiSchema<Req extends readonly AnyField[], Res extends readonly AnyField[]> {
  readonly apiKey: number;
  readonly name: string;
  /** The versions this client implements. */
  readonly versions: VersionRange;
  /** Versions that use the flexible encoding (compact types, tagged fields, header v2/v1). */
  readonly flexible: VersionRange;
  readonly request: StructT<Req>;
  readonly response: StructT<Res>;
}

function api<const Req extends readonly AnyField[], const Res extends readonly AnyField[]>(
  apiKey: number,
  name: string,
  implemented: string,
  flexible: string,
  request: StructT<Req>,
  response: StructT<Res>,
): ApiSchema<Req, Res> {
  return Object.freeze({
    apiKey,
    name,
    versions: versions(implemented),
    flexible: versions(flexible),
    request,
    response,
  });
}

export type RequestOf<A> = A extends ApiSchema<infer Req, readonly AnyField[]> ? StructValue<Req> : never;
export type ResponseOf<A> = A extends ApiSchema<readonly AnyField[], infer Res> ? StructValue<Res> : never;

// ───────────────────────────── Metadata (3) ─────────────────────────────

export const Metadata = api(
  3,
  'Metadata',
  '9-12',
  '9+',
  struct(
    'MetadataRequest',
    nullableField(
      'Topics',
      array(
        struct(
          'MetadataRequestTopic',
          field('TopicId', uuid, '10+', { ignorable: true }),
          nullableField('Name', str, '0+', '10+'),
        ),
      ),
      '0+',
      '1+',
    ),
    field('AllowAutoTopicCreation', bool, '4+', { default: true }),
    field('IncludeClusterAuthorizedOperations', bool, '8-10'),
    field('IncludeTopicAuthorizedOperations', bool, '8+'),
  ),
  struct(
    'MetadataResponse',
    field('ThrottleTimeMs', int32, '3+', { ignorable: true }),
    field(
      'Brokers',
      array(
        struct(
          'MetadataResponseBroker',
          field('NodeId', int32, '0+'),
          field('Host', str, '0+'),
          field('Port', int32, '0+'),
          nullableField('Rack', str, '1+', '1+', { default: null, ignorable: true }),
        ),
      ),
      '0+',
    ),
    nullableField('ClusterId', str, '2+', '2+', { default: null, ignorable: true }),
    field('ControllerId', int32, '1+', { default: -1, ignorable: true }),
    field(
      'Topics',
      array(
        struct(
          'MetadataResponseTopic',
          field('ErrorCode', int16, '0+'),
          nullableField('Name', str, '0+', '12+'),
          field('TopicId', uuid, '10+', { ignorable: true }),
          field('IsInternal', bool, '1+', { default: false, ignorable: true }),
          field(
            'Partitions',
            array(
              struct(
                'MetadataResponsePartition',
                field('ErrorCode', int16, '0+'),
                field('PartitionIndex', int32, '0+'),
                field('LeaderId', int32, '0+'),
                field('LeaderEpoch', int32, '7+', { default: -1, ignorable: true }),
                field('ReplicaNodes', array(int32), '0+'),
                field('IsrNodes', array(int32), '0+'),
                field('OfflineReplicas', array(int32), '5+', { ignorable: true }),
              ),
            ),
            '0+',
          ),
          field('TopicAuthorizedOperations', int32, '8+', { default: -2147483648 }),
        ),
      ),
      '0+',
    ),
    field('ClusterAuthorizedOperations', int32, '8-10', { default: -2147483648 }),
  ),
);

// ───────────────────────────── FindCoordinator (10) ─────────────────────────────

/** KeyType 0 = group, 1 = transaction, 2 = share. v4+ batches keys. */
export const FindCoordinator = api(
  10,
  'FindCoordinator',
  '3-6',
  '3+',
  struct(
    'FindCoordinatorRequest',
    field('Key', str, '0-3'),
    field('KeyType', int8, '1+'),
    field('CoordinatorKeys', array(str), '4+'),
  ),
  struct(
    'FindCoordinatorResponse',
    field('ThrottleTimeMs', int32, '1+', { ignorable: true }),
    field('ErrorCode', int16, '0-3'),
    nullableField('ErrorMessage', str, '1-3', '1-3', { ignorable: true, default: null }),
    field('NodeId', int32, '0-3'),
    field('Host', str, '0-3'),
    field('Port', int32, '0-3'),
    field(
      'Coordinators',
      array(
        struct(
          'Coordinator',
          field('Key', str, '4+'),
          field('NodeId', int32, '4+'),
          field('Host', str, '4+'),
          field('Port', int32, '4+'),
          field('ErrorCode', int16, '4+'),
          nullableField('ErrorMessage', str, '4+', '4+', { ignorable: true, default: null }),
        ),
      ),
      '4+',
    ),
  ),
);

// ───────────────────────────── ListGroups (16) ─────────────────────────────

/** v4 adds the states filter (KIP-518), v5 the types filter (KIP-848). */
export const ListGroups = api(
  16,
  'ListGroups',
  '0-5',
  '3+',
  struct(
    'ListGroupsRequest',
    field('StatesFilter', array(str), '4+'),
    field('TypesFilter', array(str), '5+'),
  ),
  struct(
    'ListGroupsResponse',
    field('ThrottleTimeMs', int32, '1+', { ignorable: true }),
    field('ErrorCode', int16, '0+'),
    field(
      'Groups',
      array(
        struct(
          'ListedGroup',
          field('GroupId', str, '0+'),
          field('ProtocolType', str, '0+'),
          field('GroupState', str, '4+', { ignorable: true }),
          field('GroupType', str, '5+', { ignorable: true }),
        ),
      ),
      '0+',
    ),
  ),
);

// ───────────────────────────── DescribeGroups (15) ─────────────────────────────

export const DescribeGroups = api(
  15,
  'DescribeGroups',
  '0-6',
  '5+',
  struct(
    'DescribeGroupsRequest',
    field('Groups', array(str), '0+'),
    field('IncludeAuthorizedOperations', bool, '3+'),
  ),
  struct(
    'DescribeGroupsResponse',
    field('ThrottleTimeMs', int32, '1+', { ignorable: true }),
    field(
      'Groups',
      array(
        struct(
          'DescribedGroup',
          field('ErrorCode', int16, '0+'),
          nullableField('ErrorMessage', str, '6+', '6+', { default: null }),
          field('GroupId', str, '0+'),
          field('GroupState', str, '0+'),
          field('ProtocolType', str, '0+'),
          field('ProtocolData', str, '0+'),
          field(
            'Members',
            array(
              struct(
                'DescribedGroupMember',
                field('MemberId', str, '0+'),
                nullableField('GroupInstanceId', str, '4+', '4+', { default: null, ignorable: true }),
                field('ClientId', str, '0+'),
                field('ClientHost', str, '0+'),
                field('MemberMetadata', bytes, '0+'),
                field('MemberAssignment', bytes, '0+'),
              ),
            ),
            '0+',
          ),
          field('AuthorizedOperations', int32, '3+', { default: -2147483648 }),
        ),
      ),
      '0+',
    ),
  ),
);

// ───────────────────────────── ConsumerGroupDescribe (69) ─────────────────────────────

const TopicPartitions = struct(
  'TopicPartitions',
  field('TopicId', uuid, '0+'),
  field('TopicName', str, '0+'),
  field('Partitions', array(int32), '0+'),
);
const CgdAssignment = struct('Assignment', field('TopicPartitions', array(TopicPartitions), '0+'));

/** KIP-848's describe. v1 adds MemberType (KIP-1099): 0 classic, 1 consumer, −1 unknown. */
export const ConsumerGroupDescribe = api(
  69,
  'ConsumerGroupDescribe',
  '0-1',
  '0+',
  struct(
    'ConsumerGroupDescribeRequest',
    field('GroupIds', array(str), '0+'),
    field('IncludeAuthorizedOperations', bool, '0+'),
  ),
  struct(
    'ConsumerGroupDescribeResponse',
    field('ThrottleTimeMs', int32, '0+'),
    field(
      'Groups',
      array(
        struct(
          'DescribedGroup',
          field('ErrorCode', int16, '0+'),
          nullableField('ErrorMessage', str, '0+', '0+', { default: null }),
          field('GroupId', str, '0+'),
          field('GroupState', str, '0+'),
          field('GroupEpoch', int32, '0+'),
          field('AssignmentEpoch', int32, '0+'),
          field('AssignorName', str, '0+'),
          field(
            'Members',
            array(
              struct(
                'Member',
                field('MemberId', str, '0+'),
                nullableField('InstanceId', str, '0+', '0+', { default: null }),
                nullableField('RackId', str, '0+', '0+', { default: null }),
                field('MemberEpoch', int32, '0+'),
                field('ClientId', str, '0+'),
                field('ClientHost', str, '0+'),
                field('SubscribedTopicNames', array(str), '0+'),
                nullableField('SubscribedTopicRegex', str, '0+', '0+', { default: null }),
                field('Assignment', CgdAssignment, '0+'),
                field('TargetAssignment', CgdAssignment, '0+'),
                field('MemberType', int8, '1+', { default: -1, ignorable: true }),
              ),
            ),
            '0+',
          ),
          field('AuthorizedOperations', int32, '0+', { default: -2147483648 }),
        ),
      ),
      '0+',
    ),
  ),
);

// ───────────────────────────── OffsetFetch (9) ─────────────────────────────

/** v8+ batches groups; v9 adds member id/epoch (KIP-848). v10 (topic ids) is not implemented. */
export const OffsetFetch = api(
  9,
  'OffsetFetch',
  '6-9',
  '6+',
  struct(
    'OffsetFetchRequest',
    field('GroupId', str, '0-7'),
    nullableField(
      'Topics',
      array(
        struct(
          'OffsetFetchRequestTopic',
          field('Name', str, '0-7'),
          field('PartitionIndexes', array(int32), '0-7'),
        ),
      ),
      '0-7',
      '2-7',
    ),
    field(
      'Groups',
      array(
        struct(
          'OffsetFetchRequestGroup',
          field('GroupId', str, '8+'),
          nullableField('MemberId', str, '9+', '9+', { default: null, ignorable: true }),
          field('MemberEpoch', int32, '9+', { default: -1, ignorable: true }),
          nullableField(
            'Topics',
            array(
              struct(
                'OffsetFetchRequestTopics',
                field('Name', str, '8-9', { ignorable: true }),
                field('PartitionIndexes', array(int32), '8+'),
              ),
            ),
            '8+',
            '8+',
          ),
        ),
      ),
      '8+',
    ),
    field('RequireStable', bool, '7+'),
  ),
  struct(
    'OffsetFetchResponse',
    field('ThrottleTimeMs', int32, '3+', { ignorable: true }),
    field(
      'Topics',
      array(
        struct(
          'OffsetFetchResponseTopic',
          field('Name', str, '0-7'),
          field(
            'Partitions',
            array(
              struct(
                'OffsetFetchResponsePartition',
                field('PartitionIndex', int32, '0-7'),
                field('CommittedOffset', int64, '0-7'),
                field('CommittedLeaderEpoch', int32, '5-7', { default: -1, ignorable: true }),
                nullableField('Metadata', str, '0-7', '0-7'),
                field('ErrorCode', int16, '0-7'),
              ),
            ),
            '0-7',
          ),
        ),
      ),
      '0-7',
    ),
    field('ErrorCode', int16, '2-7', { ignorable: true }),
    field(
      'Groups',
      array(
        struct(
          'OffsetFetchResponseGroup',
          field('GroupId', str, '8+'),
          field(
            'Topics',
            array(
              struct(
                'OffsetFetchResponseTopics',
                field('Name', str, '8-9', { ignorable: true }),
                field(
                  'Partitions',
                  array(
                    struct(
                      'OffsetFetchResponsePartitions',
                      field('PartitionIndex', int32, '8+'),
                      field('CommittedOffset', int64, '8+'),
                      field('CommittedLeaderEpoch', int32, '8+', { default: -1, ignorable: true }),
                      nullableField('Metadata', str, '8+', '8+'),
                      field('ErrorCode', int16, '8+'),
                    ),
                  ),
                  '8+',
                ),
              ),
            ),
            '8+',
          ),
          field('ErrorCode', int16, '8+'),
        ),
      ),
      '8+',
    ),
  ),
);

// ───────────────────────────── ListOffsets (2) ─────────────────────────────

/** Timestamp −1 asks for the log end (latest), −2 for the log start (earliest). */
export const ListOffsets = api(
  2,
  'ListOffsets',
  '6-9',
  '6+',
  struct(
    'ListOffsetsRequest',
    field('ReplicaId', int32, '0+'),
    field('IsolationLevel', int8, '2+'),
    field(
      'Topics',
      array(
        struct(
          'ListOffsetsTopic',
          field('Name', str, '0+'),
          field(
            'Partitions',
            array(
              struct(
                'ListOffsetsPartition',
                field('PartitionIndex', int32, '0+'),
                field('CurrentLeaderEpoch', int32, '4+', { default: -1, ignorable: true }),
                field('Timestamp', int64, '0+'),
              ),
            ),
            '0+',
          ),
        ),
      ),
      '0+',
    ),
    field('TimeoutMs', int32, '10+', { ignorable: true }),
  ),
  struct(
    'ListOffsetsResponse',
    field('ThrottleTimeMs', int32, '2+', { ignorable: true }),
    field(
      'Topics',
      array(
        struct(
          'ListOffsetsTopicResponse',
          field('Name', str, '0+'),
          field(
            'Partitions',
            array(
              struct(
                'ListOffsetsPartitionResponse',
                field('PartitionIndex', int32, '0+'),
                field('ErrorCode', int16, '0+'),
                field('Timestamp', int64, '1+', { default: -1 }),
                field('Offset', int64, '1+', { default: -1 }),
                field('LeaderEpoch', int32, '4+', { default: -1 }),
              ),
            ),
            '0+',
          ),
        ),
      ),
      '0+',
    ),
  ),
);

// ───────────────────────────── OffsetCommit (8) ─────────────────────────────

/**
 * As an admin commits (Kafka's alterConsumerGroupOffsets): generation/epoch −1, member id "".
 * v10 (topic ids) is not implemented.
 */
export const OffsetCommit = api(
  8,
  'OffsetCommit',
  '8-9',
  '8+',
  struct(
    'OffsetCommitRequest',
    field('GroupId', str, '0+'),
    field('GenerationIdOrMemberEpoch', int32, '1+', { default: -1, ignorable: true }),
    field('MemberId', str, '1+', { ignorable: true }),
    nullableField('GroupInstanceId', str, '7+', '7+', { default: null }),
    field('RetentionTimeMs', int64, '2-4', { default: -1, ignorable: true }),
    field(
      'Topics',
      array(
        struct(
          'OffsetCommitRequestTopic',
          field('Name', str, '0-9', { ignorable: true }),
          field(
            'Partitions',
            array(
              struct(
                'OffsetCommitRequestPartition',
                field('PartitionIndex', int32, '0+'),
                field('CommittedOffset', int64, '0+'),
                field('CommittedLeaderEpoch', int32, '6+', { default: -1, ignorable: true }),
                nullableField('CommittedMetadata', str, '0+', '0+'),
              ),
            ),
            '0+',
          ),
        ),
      ),
      '0+',
    ),
  ),
  struct(
    'OffsetCommitResponse',
    field('ThrottleTimeMs', int32, '3+', { ignorable: true }),
    field(
      'Topics',
      array(
        struct(
          'OffsetCommitResponseTopic',
          field('Name', str, '0-9', { ignorable: true }),
          field(
            'Partitions',
            array(
              struct(
                'OffsetCommitResponsePartition',
                field('PartitionIndex', int32, '0+'),
                field('ErrorCode', int16, '0+'),
              ),
            ),
            '0+',
          ),
        ),
      ),
      '0+',
    ),
  ),
);

// ───────────────────────────── DeleteGroups (42) ─────────────────────────────

export const DeleteGroups = api(
  42,
  'DeleteGroups',
  '0-2',
  '2+',
  struct('DeleteGroupsRequest', field('GroupsNames', array(str), '0+')),
  struct(
    'DeleteGroupsResponse',
    field('ThrottleTimeMs', int32, '0+'),
    field(
      'Results',
      array(struct('DeletableGroupResult', field('GroupId', str, '0+'), field('ErrorCode', int16, '0+'))),
      '0+',
    ),
  ),
);

// ───────────────────────────── OffsetDelete (47) ─────────────────────────────

export const OffsetDelete = api(
  47,
  'OffsetDelete',
  '0',
  'none',
  struct(
    'OffsetDeleteRequest',
    field('GroupId', str, '0+'),
    field(
      'Topics',
      array(
        struct(
          'OffsetDeleteRequestTopic',
          field('Name', str, '0+'),
          field(
            'Partitions',
            array(struct('OffsetDeleteRequestPartition', field('PartitionIndex', int32, '0+'))),
            '0+',
          ),
        ),
      ),
      '0+',
    ),
  ),
  struct(
    'OffsetDeleteResponse',
    field('ErrorCode', int16, '0+'),
    field('ThrottleTimeMs', int32, '0+', { ignorable: true }),
    field(
      'Topics',
      array(
        struct(
          'OffsetDeleteResponseTopic',
          field('Name', str, '0+'),
          field(
            'Partitions',
            array(
              struct(
                'OffsetDeleteResponsePartition',
                field('PartitionIndex', int32, '0+'),
                field('ErrorCode', int16, '0+'),
              ),
            ),
            '0+',
          ),
        ),
      ),
      '0+',
    ),
  ),
);

// ───────────────────────────── LeaveGroup (13) ─────────────────────────────

/** v3+ removes members by instance id (what an admin does to remove a static member). */
export const LeaveGroup = api(
  13,
  'LeaveGroup',
  '3-5',
  '4+',
  struct(
    'LeaveGroupRequest',
    field('GroupId', str, '0+'),
    field('MemberId', str, '0-2'),
    field(
      'Members',
      array(
        struct(
          'MemberIdentity',
          field('MemberId', str, '3+'),
          nullableField('GroupInstanceId', str, '3+', '3+', { default: null }),
          nullableField('Reason', str, '5+', '5+', { default: null, ignorable: true }),
        ),
      ),
      '3+',
    ),
  ),
  struct(
    'LeaveGroupResponse',
    field('ThrottleTimeMs', int32, '1+', { ignorable: true }),
    field('ErrorCode', int16, '0+'),
    field(
      'Members',
      array(
        struct(
          'MemberResponse',
          field('MemberId', str, '3+'),
          nullableField('GroupInstanceId', str, '3+', '3+'),
          field('ErrorCode', int16, '3+'),
        ),
      ),
      '3+',
    ),
  ),
);

// ───────────────────────────── DescribeConfigs (32) ─────────────────────────────

/** ResourceType 4 = broker (ResourceName = its node id), 2 = topic. */
export const DescribeConfigs = api(
  32,
  'DescribeConfigs',
  '1-4',
  '4+',
  struct(
    'DescribeConfigsRequest',
    field(
      'Resources',
      array(
        struct(
          'DescribeConfigsResource',
          field('ResourceType', int8, '0+'),
          field('ResourceName', str, '0+'),
          nullableField('ConfigurationKeys', array(str), '0+', '0+'),
        ),
      ),
      '0+',
    ),
    field('IncludeSynonyms', bool, '1+'),
    field('IncludeDocumentation', bool, '3+'),
  ),
  struct(
    'DescribeConfigsResponse',
    field('ThrottleTimeMs', int32, '0+'),
    field(
      'Results',
      array(
        struct(
          'DescribeConfigsResult',
          field('ErrorCode', int16, '0+'),
          nullableField('ErrorMessage', str, '0+', '0+'),
          field('ResourceType', int8, '0+'),
          field('ResourceName', str, '0+'),
          field(
            'Configs',
            array(
              struct(
                'DescribeConfigsResourceResult',
                field('Name', str, '0+'),
                nullableField('Value', str, '0+', '0+'),
                field('ReadOnly', bool, '0+'),
                field('ConfigSource', int8, '1+', { default: -1, ignorable: true }),
                field('IsSensitive', bool, '0+'),
                field(
                  'Synonyms',
                  array(
                    struct(
                      'DescribeConfigsSynonym',
                      field('Name', str, '1+'),
                      nullableField('Value', str, '1+', '0+'),
                      field('Source', int8, '1+'),
                    ),
                  ),
                  '1+',
                  { ignorable: true },
                ),
                field('ConfigType', int8, '3+', { default: 0, ignorable: true }),
                nullableField('Documentation', str, '3+', '0+', { ignorable: true }),
              ),
            ),
            '0+',
          ),
        ),
      ),
      '0+',
    ),
  ),
);

export const ALL_APIS = [
  Metadata,
  FindCoordinator,
  ListGroups,
  DescribeGroups,
  ConsumerGroupDescribe,
  OffsetFetch,
  ListOffsets,
  OffsetCommit,
  DeleteGroups,
  OffsetDelete,
  LeaveGroup,
  DescribeConfigs,
] as const;
