package kgd.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Times Kafka's assignor on one case like the JMH benchmarks do (inputs built once, only
 * assign() timed): warm-up runs for at least `warmupMs`, then runs until at least `minMs` have
 * been measured; reports the mean. The prepared inputs of the last case are kept, so a case can
 * be timed again (another round) by sending only its "key".
 */
final class Bench {
    private Bench() {
    }

    private static String lastKey;
    private static Runnable lastTask;

    static void run(JsonNode c, ObjectNode result) {
        String key = c.path("key").asText("");
        JsonNode inner = c.get("case");
        Runnable task;
        if (inner == null || inner.isNull()) {
            if (lastTask == null || !key.equals(lastKey)) throw new IllegalArgumentException("no prepared case with key " + key);
            task = lastTask;
        } else if (inner.path("kind").asText().equals("client")) {
            ClientCases.Prepared p = ClientCases.prepare(inner);
            task = () -> p.assignor().assign(p.cluster(), p.subscription());
        } else {
            ServerCases.Prepared p = ServerCases.prepare(inner);
            task = () -> p.assignor().assign(p.spec(), p.describer());
        }
        lastKey = key;
        lastTask = task;
        long warmupNanos = (long) (c.path("warmupMs").asDouble(0) * 1e6);
        int warmupRuns = c.path("warmup").asInt(3);
        long minRunNanos = (long) (c.path("minMs").asDouble(0) * 1e6);
        int minRuns = c.path("iterations").asInt(3);
        long start = System.nanoTime();
        for (int i = 0; i < warmupRuns || System.nanoTime() - start < warmupNanos; i++) task.run();
        long runs = 0;
        start = System.nanoTime();
        long elapsed;
        do {
            task.run();
            runs++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < minRunNanos || runs < minRuns);
        result.put("ms", elapsed / 1e6 / runs);
        result.put("runs", runs);
    }
}
