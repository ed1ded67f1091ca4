package kgd.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.timeline.SnapshotRegistry;
import org.apache.kafka.timeline.TimelineHashMap;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** Java collection behaviour: the iteration order after a sequence of operations. */
final class Collections {
    private Collections() {
    }

    static Object key(String type, JsonNode k) {
        return switch (type) {
            case "String" -> k.asText();
            case "Integer" -> k.asInt();
            case "Uuid" -> Uuid.fromString(k.asText());
            case "TopicPartition" -> new TopicPartition(k.get(0).asText(), k.get(1).asInt());
            default -> throw new IllegalArgumentException("unknown key type " + type);
        };
    }

    static void emit(ArrayNode out, Object k) {
        if (k instanceof Integer i) out.add(i);
        else if (k instanceof TopicPartition tp) {
            ArrayNode pair = Main.array();
            pair.add(tp.topic());
            pair.add(tp.partition());
            out.add(pair);
        } else out.add(k.toString());
    }

    /**
     * ops: ["put", k] | ["cif", k] (computeIfAbsent) | ["remove", k] | ["iterRemove", k]
     * (removal through the key-set iterator) | ["computePut", k] / ["computeRemove", k] (compute
     * whose function returns a value / null) | ["clear"] | ["snapshot"] (record the order so far).
     * ctor: "default" | "cap:N" | "copy" (new HashSet<>(collection) of the keys in "copyOf").
     */
    static void run(JsonNode c, ObjectNode result) {
        String type = c.get("keyType").asText();
        String ctor = c.path("ctor").asText("default");
        HashMap<Object, Boolean> map;
        if (ctor.equals("default")) map = new HashMap<>();
        else if (ctor.startsWith("cap:")) map = new HashMap<>(Integer.parseInt(ctor.substring(4)));
        else if (ctor.equals("copy")) {
            java.util.List<Object> items = new java.util.ArrayList<>();
            for (JsonNode k : c.path("copyOf")) items.add(key(type, k));
            java.util.HashSet<Object> set = new java.util.HashSet<>(items);
            // HashSet wraps a HashMap; reproduce it through the same constructor rule.
            map = new HashMap<>(Math.max((int) (items.size() / .75f) + 1, 16));
            for (Object o : items) map.put(o, Boolean.TRUE);
            ArrayNode check = Main.array();
            for (Object o : set) emit(check, o);
            result.set("copyOrder", check);
        } else throw new IllegalArgumentException("unknown ctor " + ctor);

        ArrayNode snapshots = Main.array();
        for (JsonNode op : c.path("ops")) {
            String name = op.get(0).asText();
            switch (name) {
                case "put" -> map.put(key(type, op.get(1)), Boolean.TRUE);
                case "cif" -> map.computeIfAbsent(key(type, op.get(1)), k -> Boolean.TRUE);
                case "computePut" -> map.compute(key(type, op.get(1)), (k, v) -> Boolean.TRUE);
                case "computeRemove" -> map.compute(key(type, op.get(1)), (k, v) -> null);
                case "remove" -> map.remove(key(type, op.get(1)));
                case "iterRemove" -> {
                    Object k = key(type, op.get(1));
                    for (Iterator<Object> it = map.keySet().iterator(); it.hasNext(); ) {
                        if (it.next().equals(k)) {
                            it.remove();
                            break;
                        }
                    }
                }
                case "clear" -> map.clear();
                case "snapshot" -> {
                    ArrayNode s = Main.array();
                    for (Object k : map.keySet()) emit(s, k);
                    snapshots.add(s);
                }
                default -> throw new IllegalArgumentException("unknown op " + name);
            }
        }
        ArrayNode order = Main.array();
        for (Object k : map.keySet()) emit(order, k);
        result.set("order", order);
        result.set("snapshots", snapshots);
    }

    /** ops: ["put", k] | ["remove", k] on a TimelineHashMap created with expected size 0. */
    static void runTimeline(JsonNode c, ObjectNode result) {
        String type = c.get("keyType").asText();
        SnapshotRegistry registry = new SnapshotRegistry(new LogContext());
        TimelineHashMap<Object, Boolean> map = new TimelineHashMap<>(registry, c.path("expectedSize").asInt(0));
        for (JsonNode op : c.path("ops")) {
            String name = op.get(0).asText();
            Object k = key(type, op.get(1));
            if (name.equals("put")) map.put(k, Boolean.TRUE);
            else map.remove(k);
        }
        ArrayNode order = Main.array();
        for (Map.Entry<Object, Boolean> e : map.entrySet()) emit(order, e.getKey());
        result.set("order", order);
    }
}
