package dev.streamline.connect;

import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foreachBatch function: each micro-batch is computed once (persisted when more than one route
 * reads it) and each route writes its rows with the batch writer, in order. A failing route fails the
 * batch, which Spark then replays from the same offsets: sinks that upsert by a key derived from the
 * record rewrite the same documents, so a replay is exactly once in effect.
 */
final class RoutedBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
  private static final Logger LOG = LoggerFactory.getLogger(RoutedBatchWriter.class);

  record CompiledRoute(String name, Column condition, Column[] projection, String format, Map<String, String> options) {
    Dataset<Row> rows(Dataset<Row> batch) {
      Dataset<Row> kept = condition == null ? batch : batch.filter(condition);
      return projection.length == 0 ? kept : kept.select(projection);
    }
  }

  private final List<CompiledRoute> routes;

  RoutedBatchWriter(List<CompiledRoute> routes) {
    this.routes = routes;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    boolean shared = routes.size() > 1;
    if (shared) batch.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      for (CompiledRoute route : routes) {
        try {
          route.rows(batch).write().format(route.format()).options(route.options()).mode(SaveMode.Append).save();
        } catch (RuntimeException e) {
          LOG.warn("route '{}' ({}) failed in batch {}; the batch will be replayed", route.name(), route.format(), batchId);
          throw e;
        }
      }
    } finally {
      if (shared) batch.unpersist(false);
    }
  }
}
