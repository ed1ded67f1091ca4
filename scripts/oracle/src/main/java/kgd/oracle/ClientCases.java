package kgd.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupAssignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Classic-protocol (client-side) assignor cases. Each member's subscription is made the way the
 * consumer makes it (its assignor's user data after onAssignment), sent through ConsumerProtocol
 * (serialize, deserialize) and collected by the leader as ConsumerCoordinator.onLeaderElected does.
 */
final class ClientCases {
    private ClientCases() {
    }

    record Prepared(ConsumerPartitionAssignor assignor, Cluster cluster, GroupSubscription subscription) {
    }

    static ConsumerPartitionAssignor assignor(String name) {
        return switch (name) {
            case "range" -> new RangeAssignor();
            case "roundrobin" -> new RoundRobinAssignor();
            case "sticky" -> new StickyAssignor();
            case "cooperative-sticky" -> new CooperativeStickyAssignor();
            default -> throw new IllegalArgumentException("unknown client assignor: " + name);
        };
    }

    static Prepared prepare(JsonNode c) {
        String name = c.path("assignor").asText();
        List<PartitionInfo> partitions = new ArrayList<>();
        Node[] none = new Node[0];
        for (JsonNode t : c.path("topics")) {
            String topic = t.get("name").asText();
            int n = t.get("partitions").asInt();
            for (int p = 0; p < n; p++) partitions.add(new PartitionInfo(topic, p, null, none, none));
        }
        Cluster cluster = new Cluster("kgd", List.of(), partitions, Set.of(), Set.of());

        Map<String, Subscription> subscriptions = new HashMap<>();
        for (JsonNode m : c.path("members")) {
            String memberId = m.get("id").asText();
            Optional<String> instanceId = ServerCases.optional(m.get("instanceId"));
            Optional<String> rackId = ServerCases.optional(m.get("rackId"));
            List<String> topics = new ArrayList<>();
            for (JsonNode t : m.path("topics")) topics.add(t.asText());
            List<TopicPartition> owned = new ArrayList<>();
            for (JsonNode tp : m.path("owned")) owned.add(new TopicPartition(tp.get(0).asText(), tp.get(1).asInt()));
            JsonNode gen = m.get("generation");
            boolean hasGeneration = gen != null && !gen.isNull();
            int generation = hasGeneration ? gen.asInt() : -1;

            // The member's own assignor instance: it has seen its last assignment (if any).
            ConsumerPartitionAssignor own = assignor(name);
            if (hasGeneration) {
                own.onAssignment(new Assignment(owned),
                    new ConsumerGroupMetadata("kgd", generation, memberId, instanceId));
            }
            ByteBuffer userData = own.subscriptionUserData(new HashSet<>(topics));
            Subscription sent = new Subscription(topics, userData, owned, generation, rackId);
            Subscription received = ConsumerProtocol.deserializeSubscription(ConsumerProtocol.serializeSubscription(sent));
            received.setGroupInstanceId(instanceId);
            subscriptions.put(memberId, received);
        }
        return new Prepared(assignor(name), cluster, new GroupSubscription(subscriptions));
    }

    static void run(JsonNode c, ObjectNode result) {
        Prepared p = prepare(c);
        GroupAssignment assignment = p.assignor().assign(p.cluster(), p.subscription());
        result.set("assignment", toJson(assignment));
    }

    static ArrayNode toJson(GroupAssignment assignment) {
        ArrayNode out = Main.array();
        for (Map.Entry<String, Assignment> e : assignment.groupAssignment().entrySet()) {
            ArrayNode member = Main.array();
            member.add(e.getKey());
            ArrayNode parts = Main.array();
            for (TopicPartition tp : e.getValue().partitions()) {
                ArrayNode pair = Main.array();
                pair.add(tp.topic());
                pair.add(tp.partition());
                parts.add(pair);
            }
            member.add(parts);
            out.add(member);
        }
        return out;
    }

    @SuppressWarnings("unused")
    private static Set<String> ordered(List<String> l) {
        return new LinkedHashSet<>(l);
    }
}
