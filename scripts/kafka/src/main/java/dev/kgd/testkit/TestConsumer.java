package dev.kgd.testkit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A real Kafka consumer for the integration tests: Kafka's own Java client, so a group made with
 * {@code --protocol consumer} is a genuine KIP-848 member (and {@code --protocol classic} a genuine
 * classic one). It reports what happens to it as JSON lines on stdout, one per event:
 *
 * <pre>
 *   {"event":"started"}
 *   {"event":"assigned","partitions":["orders-0","orders-1"]}
 *   {"event":"revoked","partitions":[...]}   {"event":"lost","partitions":[...]}
 *   {"event":"consumed","count":42,"committed":true}
 *   {"event":"closed"}   {"event":"error","message":"..."}
 * </pre>
 *
 * It reads commands from stdin, one per line: {@code close} leaves the group and exits;
 * {@code pause} stops fetching (the member stays in the group); {@code resume}. When stdin ends
 * (the test process died) it closes too, so no consumer outlives its test.
 *
 * Arguments: --bootstrap HOST:PORT --group ID --topics a,b [--protocol consumer|classic]
 * [--assignor NAME] [--instance-id ID] [--client-id ID] [--no-commit] [--property key=value]...
 */
public final class TestConsumer {
  private TestConsumer() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = null;
    String group = null;
    List<String> topics = new ArrayList<>();
    String protocol = "consumer";
    String assignor = null;
    String instanceId = null;
    String clientId = null;
    boolean commit = true;
    Properties extra = new Properties();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--bootstrap": bootstrap = v; i++; break;
        case "--group": group = v; i++; break;
        case "--topics": topics.addAll(Arrays.asList(v.split(","))); i++; break;
        case "--protocol": protocol = v; i++; break;
        case "--assignor": assignor = v; i++; break;
        case "--instance-id": instanceId = v; i++; break;
        case "--client-id": clientId = v; i++; break;
        case "--no-commit": commit = false; break;
        case "--property": {
          int eq = v.indexOf('=');
          extra.setProperty(v.substring(0, eq), v.substring(eq + 1));
          i++;
          break;
        }
        default:
          emit("{\"event\":\"error\",\"message\":" + json("unknown argument " + a) + "}");
          System.exit(2);
      }
    }
    if (bootstrap == null || group == null || topics.isEmpty()) {
      emit("{\"event\":\"error\",\"message\":\"--bootstrap, --group and --topics are required\"}");
      System.exit(2);
    }

    Properties p = new Properties();
    p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.setProperty(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
    p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    if (assignor != null) {
      if (protocol.equals("consumer")) p.setProperty(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, assignor);
      else p.setProperty(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor);
    }
    if (instanceId != null) p.setProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
    if (clientId != null) p.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.putAll(extra);

    AtomicBoolean closing = new AtomicBoolean(false);
    AtomicBoolean paused = new AtomicBoolean(false);
    AtomicBoolean resumed = new AtomicBoolean(false);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      Thread stdin = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            switch (line.trim()) {
              case "close": closing.set(true); consumer.wakeup(); return;
              case "pause": paused.set(true); break;
              case "resume": resumed.set(true); break;
              default: break;
            }
          }
        } catch (Exception e) {
          // stdin broken: treat as end of input
        }
        closing.set(true);
        consumer.wakeup();
      }, "stdin");
      stdin.setDaemon(true);
      stdin.start();

      consumer.subscribe(topics, new ConsumerRebalanceListener() {
        @Override public void onPartitionsAssigned(Collection<TopicPartition> parts) {
          emit("{\"event\":\"assigned\",\"partitions\":" + partitions(parts) + "}");
        }
        @Override public void onPartitionsRevoked(Collection<TopicPartition> parts) {
          emit("{\"event\":\"revoked\",\"partitions\":" + partitions(parts) + "}");
        }
        @Override public void onPartitionsLost(Collection<TopicPartition> parts) {
          emit("{\"event\":\"lost\",\"partitions\":" + partitions(parts) + "}");
        }
      });
      emit("{\"event\":\"started\"}");
      while (!closing.get()) {
        if (paused.getAndSet(false)) {
          consumer.pause(consumer.assignment());
          emit("{\"event\":\"paused\"}");
        }
        if (resumed.getAndSet(false)) {
          consumer.resume(consumer.paused());
          emit("{\"event\":\"resumed\"}");
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(200));
        } catch (WakeupException e) {
          break;
        }
        if (!records.isEmpty()) {
          if (commit) consumer.commitSync();
          emit("{\"event\":\"consumed\",\"count\":" + records.count() + ",\"committed\":" + commit + "}");
        }
      }
    } catch (Exception e) {
      emit("{\"event\":\"error\",\"message\":" + json(e.toString()) + "}");
      System.exit(1);
    }
    emit("{\"event\":\"closed\"}");
    System.exit(0);
  }

  private static synchronized void emit(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static String partitions(Collection<TopicPartition> parts) {
    List<String> names = new ArrayList<>();
    for (TopicPartition tp : parts) names.add(json(tp.topic() + "-" + tp.partition()));
    names.sort(null);
    return "[" + String.join(",", names) + "]";
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
