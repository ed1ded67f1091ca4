package kgd.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Reads one JSON case per line on stdin and writes one JSON result per line on stdout, in order.
 * Each case has a "kind":
 *   server       Kafka's server-side assignors (uniform, range) through GroupSpecImpl
 *   client       Kafka's client-side assignors (range, roundrobin, sticky, cooperative-sticky)
 *   collections  java.util.HashMap/HashSet operations, reporting the iteration order
 *   timeline     org.apache.kafka.timeline.TimelineHashMap insertions/removals, reporting the order
 *   bench        times an assignor on one server or client case (warm-up, then measured runs)
 * A result is {"id": ..., ...} with either the answer or {"error": "..."}.
 */
public final class Main {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 20);
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 20);
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            ObjectNode result = JSON.createObjectNode();
            try {
                JsonNode c = JSON.readTree(line);
                result.set("id", c.get("id"));
                String kind = c.path("kind").asText();
                switch (kind) {
                    case "server" -> ServerCases.run(c, result);
                    case "client" -> ClientCases.run(c, result);
                    case "collections" -> Collections.run(c, result);
                    case "timeline" -> Collections.runTimeline(c, result);
                    case "bench" -> Bench.run(c, result);
                    default -> throw new IllegalArgumentException("unknown case kind: " + kind);
                }
            } catch (Throwable t) {
                result.put("error", t.getClass().getSimpleName() + ": " + t.getMessage());
                if (!(t instanceof RuntimeException) || System.getenv("KGD_ORACLE_TRACE") != null) {
                    StringWriter sw = new StringWriter();
                    t.printStackTrace(new PrintWriter(sw));
                    result.put("trace", sw.toString());
                }
            }
            out.write(JSON.writeValueAsString(result));
            out.write('\n');
            if (!in.ready()) out.flush();
        }
        out.flush();
    }

    static ArrayNode array() {
        return JSON.createArrayNode();
    }
}
