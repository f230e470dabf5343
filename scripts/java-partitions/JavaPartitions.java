// Prints the partitions the real Kafka Java client (kafka-clients) chooses for a fixed set of keys, as
// JSON. Its output is committed as test/fixtures/java-partitions.json; the unit test compares our
// producer's partitioning against it, so the test needs neither Java nor the jar. Regenerate with
//   java -cp .streamline/kafka/libs/kafka-clients-4.1.1.jar scripts/java-partitions/JavaPartitions.java \
//     > test/fixtures/java-partitions.json
// (single-file source launch, Java 11+; the jar is there after `npm run setup`).
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;

public class JavaPartitions {
  static final int[] PARTITION_COUNTS = {1, 2, 3, 4, 6, 7, 12, 50, 100, 1000};

  public static void main(String[] args) {
    List<String> keys = new ArrayList<>(List.of(
        "", "a", "ab", "abc", "abcd", "abcde", "user-1", "users.profile",
        "Ærøskøbing", "Київ", "東京", "🦄 unicorn", "key with spaces", "x".repeat(257)));
    Random random = new Random(20261126L);
    for (int i = 0; i < 50; i++) keys.add(new UUID(random.nextLong(), random.nextLong()).toString());

    StringSerializer serializer = new StringSerializer();
    StringBuilder out = new StringBuilder();
    out.append("{\n  \"generator\": \"scripts/java-partitions/JavaPartitions.java\",\n");
    out.append("  \"kafkaClients\": \"").append(AppInfoParser.getVersion()).append("\",\n");
    out.append("  \"partitionCounts\": [");
    for (int i = 0; i < PARTITION_COUNTS.length; i++) out.append(i == 0 ? "" : ", ").append(PARTITION_COUNTS[i]);
    out.append("],\n  \"cases\": [\n");
    for (int k = 0; k < keys.size(); k++) {
      String key = keys.get(k);
      byte[] bytes = serializer.serialize("topic", key);
      out.append("    {\"key\": ").append(json(key)).append(", \"partitions\": [");
      for (int i = 0; i < PARTITION_COUNTS.length; i++) {
        out.append(i == 0 ? "" : ", ").append(BuiltInPartitioner.partitionForKey(bytes, PARTITION_COUNTS[i]));
      }
      out.append("]}").append(k < keys.size() - 1 ? ",\n" : "\n");
    }
    out.append("  ]\n}\n");
    System.out.print(new String(out.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
