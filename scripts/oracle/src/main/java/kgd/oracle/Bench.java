package kgd.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Times Kafka's assignor on one case like the JMH benchmarks do (inputs built once, only
 * assign() timed): `warmup` untimed runs, then `iterations` timed runs; reports the mean.
 */
final class Bench {
    private Bench() {
    }

    static void run(JsonNode c, ObjectNode result) {
        JsonNode inner = c.get("case");
        int warmup = c.path("warmup").asInt(5);
        int iterations = c.path("iterations").asInt(5);
        long minRunNanos = (long) (c.path("minMs").asDouble(0) * 1e6);
        Runnable task;
        if (inner.path("kind").asText().equals("client")) {
            ClientCases.Prepared p = ClientCases.prepare(inner);
            task = () -> p.assignor().assign(p.cluster(), p.subscription());
        } else {
            ServerCases.Prepared p = ServerCases.prepare(inner);
            task = () -> p.assignor().assign(p.spec(), p.describer());
        }
        for (int i = 0; i < warmup; i++) task.run();
        long runs = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            for (int i = 0; i < iterations; i++) task.run();
            runs += iterations;
            elapsed = System.nanoTime() - start;
        } while (elapsed < minRunNanos);
        result.put("ms", elapsed / 1e6 / runs);
        result.put("runs", runs);
    }
}
