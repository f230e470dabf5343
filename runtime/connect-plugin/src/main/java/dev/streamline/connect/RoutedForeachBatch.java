package dev.streamline.connect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Relation;
import org.sparkproject.connect.protobuf.ByteString;
import org.sparkproject.connect.protobuf.CodedInputStream;
import org.sparkproject.connect.protobuf.WireFormat;

/**
 * The command (src/main/proto/routed_foreach_batch.proto), read field by field with protobuf's wire
 * API: the message is small, and generated code would have to be relocated onto Spark's shaded protobuf.
 */
record RoutedForeachBatch(
    Relation input,
    String queryName,
    String processingTimeInterval,
    boolean availableNow,
    Map<String, String> options,
    List<Route> routes) {

  static final String TYPE_URL = "type.googleapis.com/streamline.connect.RoutedForeachBatch";

  /** Isolation of rows the sink rejects (rejectPattern empty: none). */
  record Rejects(String pattern, String route, String reasonColumn) {}

  /** Only the latest row per key is written (null: every row). */
  record LatestPerKey(Expression key, List<Expression> orderBy) {
    static LatestPerKey parse(String route, ByteString bytes) throws IOException {
      CodedInputStream in = bytes.newCodedInput();
      Expression key = null;
      List<Expression> orderBy = new ArrayList<>();
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> key = Expression.parseFrom(in.readBytes());
          case 2 -> orderBy.add(Expression.parseFrom(in.readBytes()));
          default -> in.skipField(tag);
        }
      }
      if (key == null || orderBy.isEmpty()) {
        throw new IllegalArgumentException("route '" + route + "' keeps the latest row per key but names no key or no order");
      }
      return new LatestPerKey(key, List.copyOf(orderBy));
    }
  }

  /**
   * @param failAfterWriteOnce test only: the marker file of a single failure after this route's write ("": never)
   */
  record Route(String name, Expression condition, List<Expression> projection, String format, Map<String, String> options, Rejects rejects,
      LatestPerKey latestPerKey, String failAfterWriteOnce) {
    static Route parse(ByteString bytes) throws IOException {
      CodedInputStream in = bytes.newCodedInput();
      String name = "";
      Expression condition = null;
      List<Expression> projection = new ArrayList<>();
      String format = "";
      Map<String, String> options = new LinkedHashMap<>();
      String rejectPattern = "";
      String rejectRoute = "";
      String rejectReasonColumn = "";
      ByteString latestPerKey = null;
      String failAfterWriteOnce = "";
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> name = in.readStringRequireUtf8();
          case 2 -> condition = Expression.parseFrom(in.readBytes());
          case 3 -> projection.add(Expression.parseFrom(in.readBytes()));
          case 4 -> format = in.readStringRequireUtf8();
          case 5 -> putEntry(options, in.readBytes());
          case 6 -> rejectPattern = in.readStringRequireUtf8();
          case 7 -> rejectRoute = in.readStringRequireUtf8();
          case 8 -> rejectReasonColumn = in.readStringRequireUtf8();
          case 9 -> latestPerKey = in.readBytes();
          case 10 -> failAfterWriteOnce = in.readStringRequireUtf8();
          default -> in.skipField(tag);
        }
      }
      if (format.isEmpty()) throw new IllegalArgumentException("route '" + name + "' has no format");
      Rejects rejects = null;
      if (!rejectPattern.isEmpty()) {
        if (rejectRoute.isEmpty() || rejectReasonColumn.isEmpty()) {
          throw new IllegalArgumentException("route '" + name + "' has a reject pattern but no reject route or reason column");
        }
        rejects = new Rejects(rejectPattern, rejectRoute, rejectReasonColumn);
      }
      return new Route(name, condition, List.copyOf(projection), format, Map.copyOf(options), rejects,
          latestPerKey == null ? null : LatestPerKey.parse(name, latestPerKey), failAfterWriteOnce);
    }
  }

  static RoutedForeachBatch parse(ByteString bytes) throws IOException {
    CodedInputStream in = bytes.newCodedInput();
    Relation input = null;
    String queryName = "";
    String interval = "";
    boolean availableNow = false;
    Map<String, String> options = new LinkedHashMap<>();
    List<Route> routes = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> input = Relation.parseFrom(in.readBytes());
        case 2 -> queryName = in.readStringRequireUtf8();
        case 3 -> interval = in.readStringRequireUtf8();
        case 4 -> availableNow = in.readBool();
        case 5 -> putEntry(options, in.readBytes());
        case 6 -> routes.add(Route.parse(in.readBytes()));
        default -> in.skipField(tag);
      }
    }
    if (input == null) throw new IllegalArgumentException("RoutedForeachBatch has no input relation");
    if (routes.isEmpty()) throw new IllegalArgumentException("RoutedForeachBatch has no routes");
    return new RoutedForeachBatch(input, queryName, interval, availableNow, options, List.copyOf(routes));
  }

  /** One map<string, string> entry: key = 1, value = 2. */
  private static void putEntry(Map<String, String> map, ByteString entry) throws IOException {
    CodedInputStream in = entry.newCodedInput();
    String key = "";
    String value = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> key = in.readStringRequireUtf8();
        case 2 -> value = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    map.put(key, value);
  }
}
