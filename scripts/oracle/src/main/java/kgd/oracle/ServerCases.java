package kgd.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.coordinator.group.api.assignor.ConsumerGroupPartitionAssignor;
import org.apache.kafka.coordinator.group.api.assignor.GroupAssignment;
import org.apache.kafka.coordinator.group.api.assignor.MemberAssignment;
import org.apache.kafka.coordinator.group.api.assignor.SubscribedTopicDescriber;
import org.apache.kafka.coordinator.group.api.assignor.SubscriptionType;
import org.apache.kafka.coordinator.group.assignor.RangeAssignor;
import org.apache.kafka.coordinator.group.assignor.UniformAssignor;
import org.apache.kafka.coordinator.group.generated.ConsumerGroupTargetAssignmentMemberValue;
import org.apache.kafka.coordinator.group.modern.Assignment;
import org.apache.kafka.coordinator.group.modern.GroupSpecImpl;
import org.apache.kafka.coordinator.group.modern.MemberSubscriptionAndAssignmentImpl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Server-side (KIP-848) assignor cases, built the way Kafka's TargetAssignmentBuilder builds them. */
final class ServerCases {
    private ServerCases() {
    }

    /** The prepared inputs of one case (so the bench can time only assign()). */
    record Prepared(ConsumerGroupPartitionAssignor assignor, GroupSpecImpl spec, SubscribedTopicDescriber describer) {
    }

    static ConsumerGroupPartitionAssignor assignor(String name) {
        return switch (name) {
            case "uniform" -> new UniformAssignor();
            case "range" -> new RangeAssignor();
            default -> throw new IllegalArgumentException("unknown server assignor: " + name);
        };
    }

    static Prepared prepare(JsonNode c) {
        Map<Uuid, Integer> partitionCounts = new HashMap<>();
        for (JsonNode t : c.path("topics")) {
            partitionCounts.put(Uuid.fromString(t.get("id").asText()), t.get("partitions").asInt());
        }
        SubscribedTopicDescriber describer = new SubscribedTopicDescriber() {
            @Override
            public int numPartitions(Uuid topicId) {
                Integer n = partitionCounts.get(topicId);
                return n == null ? -1 : n;
            }

            @Override
            public Set<String> racksForPartition(Uuid topicId, int partition) {
                return Set.of();
            }
        };

        // TargetAssignmentBuilder: memberSpecs = new HashMap<>(), put in the group's member order.
        Map<String, MemberSubscriptionAndAssignmentImpl> members = new HashMap<>();
        Map<Uuid, Map<Integer, String>> inverted = new HashMap<>();
        for (JsonNode m : c.path("members")) {
            String memberId = m.get("id").asText();
            Set<Uuid> subscribed = new LinkedHashSet<>();
            for (JsonNode t : m.path("subscribedTopicIds")) subscribed.add(Uuid.fromString(t.asText()));
            // Assignment.fromRecord: the record's topic list in order, partitions via new HashSet<>(list).
            List<ConsumerGroupTargetAssignmentMemberValue.TopicPartition> tps = new ArrayList<>();
            for (JsonNode entry : m.path("assignment")) {
                Uuid topicId = Uuid.fromString(entry.get(0).asText());
                List<Integer> parts = new ArrayList<>();
                for (JsonNode p : entry.get(1)) {
                    parts.add(p.asInt());
                    inverted.computeIfAbsent(topicId, k -> new HashMap<>()).put(p.asInt(), memberId);
                }
                tps.add(new ConsumerGroupTargetAssignmentMemberValue.TopicPartition()
                    .setTopicId(topicId).setPartitions(parts));
            }
            Assignment assignment = tps.isEmpty()
                ? Assignment.EMPTY
                : Assignment.fromRecord(new ConsumerGroupTargetAssignmentMemberValue().setTopicPartitions(tps));
            members.put(memberId, new MemberSubscriptionAndAssignmentImpl(
                optional(m.get("rackId")),
                optional(m.get("instanceId")),
                subscribed,
                assignment));
        }
        SubscriptionType type = SubscriptionType.valueOf(c.path("subscriptionType").asText("HOMOGENEOUS"));
        GroupSpecImpl spec = new GroupSpecImpl(java.util.Collections.unmodifiableMap(members), type, inverted);
        return new Prepared(assignor(c.path("assignor").asText()), spec, describer);
    }

    static Optional<String> optional(JsonNode n) {
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
    }

    static void run(JsonNode c, ObjectNode result) {
        Prepared p = prepare(c);
        ArrayNode order = Main.array();
        for (String id : p.spec().memberIds()) order.add(id);
        result.set("memberOrder", order);
        GroupAssignment assignment = p.assignor().assign(p.spec(), p.describer());
        result.set("assignment", toJson(assignment));
    }

    /** [[memberId, [[topicId, [partitions in iteration order]], ...]], ...] in iteration order. */
    static ArrayNode toJson(GroupAssignment assignment) {
        ArrayNode out = Main.array();
        for (Map.Entry<String, MemberAssignment> e : assignment.members().entrySet()) {
            ArrayNode member = Main.array();
            member.add(e.getKey());
            ArrayNode topics = Main.array();
            for (Map.Entry<Uuid, Set<Integer>> t : e.getValue().partitions().entrySet()) {
                ArrayNode topic = Main.array();
                topic.add(t.getKey().toString());
                ArrayNode parts = Main.array();
                for (Integer partition : t.getValue()) parts.add(partition);
                topic.add(parts);
                topics.add(topic);
            }
            member.add(topics);
            out.add(member);
        }
        return out;
    }
}
