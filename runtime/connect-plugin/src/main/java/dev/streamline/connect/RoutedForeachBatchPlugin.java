package dev.streamline.connect;

import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.StreamingQueryInstanceId;
import org.apache.spark.connect.proto.WriteStreamOperationStartResult;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.connect.planner.SparkConnectPlanner;
import org.apache.spark.sql.connect.plugin.CommandPlugin;
import org.apache.spark.sql.connect.service.ExecuteHolder;
import org.apache.spark.sql.connect.service.SparkConnectService$;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.sparkproject.connect.protobuf.Any;
import org.sparkproject.connect.protobuf.InvalidProtocolBufferException;

/**
 * Spark Connect command plugin (conf spark.connect.extensions.command.classes): starts a streaming query
 * whose micro-batches are split by routes, each written through a batch format sink, which a Spark
 * Connect client cannot do with the built-in commands (foreachBatch needs server-side code). The query
 * is registered like one started by WriteStreamOperationStart, and the answer is the same
 * WriteStreamOperationStartResult, so the client's streaming query commands (status, progress, stop,
 * active) work on it unchanged.
 */
public final class RoutedForeachBatchPlugin implements CommandPlugin {

  @Override
  public boolean process(byte[] extension, SparkConnectPlanner planner) {
    Any any;
    RoutedForeachBatch command;
    try {
      any = Any.parseFrom(extension);
      if (!RoutedForeachBatch.TYPE_URL.equals(any.getTypeUrl())) return false;
      command = RoutedForeachBatch.parse(any.getValue());
    } catch (InvalidProtocolBufferException e) {
      return false;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("unreadable RoutedForeachBatch command: " + e.getMessage(), e);
    }

    Dataset<Row> input = Dataset.ofRows(planner.session(), planner.transformRelation(command.input()));
    List<RoutedBatchWriter.CompiledRoute> routes = command.routes().stream()
        .map((r) -> new RoutedBatchWriter.CompiledRoute(
            r.name(),
            r.condition() == null ? null : column(planner, r.condition()),
            r.projection().stream().map((p) -> column(planner, p)).toArray(Column[]::new),
            r.format(),
            r.options(),
            r.rejects() == null ? null : new RoutedBatchWriter.RejectRule(
                Pattern.compile(r.rejects().pattern()), r.rejects().route(), r.rejects().reasonColumn()),
            r.latestPerKey() == null ? null : new RoutedBatchWriter.LatestPerKey(
                column(planner, r.latestPerKey().key()),
                r.latestPerKey().orderBy().stream().map((o) -> column(planner, o)).toArray(Column[]::new)),
            r.failAfterWriteOnce().isEmpty() ? null : r.failAfterWriteOnce()))
        .toList();

    DataStreamWriter<Row> writer = input.writeStream()
        .foreachBatch(new RoutedBatchWriter(routes))
        .outputMode("append")
        .options(command.options());
    if (!command.queryName().isEmpty()) writer = writer.queryName(command.queryName());
    if (command.availableNow()) writer = writer.trigger(Trigger.AvailableNow());
    else if (!command.processingTimeInterval().isEmpty()) writer = writer.trigger(Trigger.ProcessingTime(command.processingTimeInterval()));

    StreamingQuery query;
    try {
      query = writer.start();
    } catch (TimeoutException e) {
      throw new IllegalStateException("the streaming query did not start in time: " + e.getMessage(), e);
    }

    ExecuteHolder execute = planner.executeHolderOpt().get();
    // As WriteStreamOperationStart does: the server keeps the session alive while the query runs, and
    // StreamingQueryCommand finds the query (also after it stopped) by id and run id.
    SparkConnectService$.MODULE$.streamingSessionManager()
        .registerNewStreamingQuery(planner.sessionHolder(), query, execute.sparkSessionTags(), execute.operationId());
    WriteStreamOperationStartResult result = WriteStreamOperationStartResult.newBuilder()
        .setQueryId(StreamingQueryInstanceId.newBuilder().setId(query.id().toString()).setRunId(query.runId().toString()))
        .setName(query.name() == null ? "" : query.name())
        .build();
    execute.responseObserver().onNext(ExecutePlanResponse.newBuilder()
        .setSessionId(planner.sessionId())
        .setServerSideSessionId(planner.sessionHolder().serverSessionId())
        .setWriteStreamOperationStartResult(result)
        .build());
    return true;
  }

  private static Column column(SparkConnectPlanner planner, org.apache.spark.connect.proto.Expression expression) {
    return ExpressionUtils.column(planner.transformExpression(expression));
  }
}
