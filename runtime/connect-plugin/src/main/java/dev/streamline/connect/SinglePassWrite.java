package dev.streamline.connect;

import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.LogicalWriteInfoImpl;
import org.apache.spark.sql.connector.write.PhysicalWriteInfoImpl;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.execution.datasources.DataSource;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Utils;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import scala.jdk.javaapi.CollectionConverters;

/**
 * Every route of a micro-batch written in one pass: each task computes its rows once, from the source on,
 * and hands each row to the writer of the route it matches (DataSource V2 writers, as `df.write` would
 * create them), on a second thread (WriteHandoff) so that computing the next rows overlaps the sink's
 * wait. Against a route at a time over a persisted batch this saves the cache and a job per route, and
 * the store no longer idles while the task parses. The routes' writes are committed together after the
 * job, each through its own BatchWrite, as Spark's own V2 write does.
 */
final class SinglePassWrite {
  private static final Logger LOG = LoggerFactory.getLogger(SinglePassWrite.class);
  /** Rows a task may have computed ahead of its writers: a few bulks of a store's batch size. */
  static final int HANDOFF_ROWS = 4096;

  /** A route's sink as resolved on the driver for one batch. */
  private record Sink(BatchWrite batchWrite, DataWriterFactory factory, int width) {}

  private final Dataset<Row> routed;
  private final List<Sink> sinks;

  private SinglePassWrite(Dataset<Row> routed, List<Sink> sinks) {
    this.routed = routed;
    this.sinks = sinks;
  }

  /**
   * The one pass for this batch, or null when a route needs more than one pass (keeping the latest row
   * per key shuffles its rows) or its format has no DataSource V2 batch writer that takes the rows' schema
   * (a file source, for example); the caller then writes route by route.
   */
  static SinglePassWrite plan(Dataset<Row> batch, List<RoutedBatchWriter.CompiledRoute> routes) {
    if (routes.stream().anyMatch((r) -> r.latestPerKey() != null)) return null;
    Column[] all = Arrays.stream(batch.columns()).map((c) -> functions.col("`" + c.replace("`", "``") + "`")).toArray(Column[]::new);
    Column[] perRoute = new Column[routes.size()];
    for (int i = 0; i < perRoute.length; i++) {
      RoutedBatchWriter.CompiledRoute r = routes.get(i);
      Column row = functions.struct(r.projection().length == 0 ? all : r.projection());
      perRoute[i] = (r.condition() == null ? row : functions.when(r.condition(), row)).alias("route_" + i);
    }
    Dataset<Row> routed = batch.select(perRoute);
    SparkSession spark = (SparkSession) batch.sparkSession();
    BatchWrite[] writes = new BatchWrite[routes.size()];
    for (int i = 0; i < writes.length; i++) {
      writes[i] = batchWrite(spark, routes.get(i), routeSchema(routed, i));
      if (writes[i] == null) return null;
    }
    PhysicalWriteInfoImpl tasks = PhysicalWriteInfoImpl.apply(((org.apache.spark.sql.classic.Dataset<Row>) routed).queryExecution().toRdd().getNumPartitions());
    Sink[] sinks = new Sink[writes.length];
    for (int i = 0; i < sinks.length; i++) sinks[i] = new Sink(writes[i], writes[i].createBatchWriterFactory(tasks), routeSchema(routed, i).size());
    return new SinglePassWrite(routed, List.of(sinks));
  }

  private static StructType routeSchema(Dataset<Row> routed, int route) {
    return (StructType) routed.schema().fields()[route].dataType();
  }

  /** The route's batch write, as DataFrameWriter.save() resolves it (the source's session options included); null when it has none. */
  private static BatchWrite batchWrite(SparkSession spark, RoutedBatchWriter.CompiledRoute route, StructType schema) {
    scala.Option<TableProvider> found = DataSource.lookupDataSourceV2(route.format(), spark.sessionState().conf());
    if (found.isEmpty()) return null;
    TableProvider provider = found.get();
    // A source with its own schema (not the rows') is left to df.write, which reconciles the two.
    if (!provider.supportsExternalMetadata()) return null;
    Map<String, String> options = new HashMap<>(CollectionConverters.asJava(DataSourceV2Utils.extractSessionConfigs(provider, spark.sessionState().conf())));
    options.putAll(route.options());
    CaseInsensitiveStringMap dsOptions = new CaseInsensitiveStringMap(options);
    Table table = provider.getTable(schema, new Transform[0], dsOptions.asCaseSensitiveMap());
    if (!(table instanceof SupportsWrite writable) || !table.capabilities().contains(TableCapability.BATCH_WRITE)) return null;
    return writable
        .newWriteBuilder(LogicalWriteInfoImpl.apply(UUID.randomUUID().toString(), schema, dsOptions, java.util.Optional.empty(), java.util.Optional.empty()))
        .build()
        .toBatch();
  }

  /** Writes the batch; the number of rows each route wrote, in the routes' order. A failed write is aborted in every route and rethrown. */
  long[] run() {
    DataWriterFactory[] factories = sinks.stream().map(Sink::factory).toArray(DataWriterFactory[]::new);
    int[] widths = sinks.stream().mapToInt(Sink::width).toArray();
    List<PartitionOutcome> outcomes;
    try {
      outcomes = ((org.apache.spark.sql.classic.Dataset<Row>) routed).queryExecution().toRdd().toJavaRDD()
          .mapPartitions(new PartitionWriter(factories, widths))
          .collect();
    } catch (RuntimeException e) {
      for (Sink s : sinks) {
        try {
          s.batchWrite().abort(new WriterCommitMessage[0]);
        } catch (RuntimeException abortFailure) {
          e.addSuppressed(abortFailure);
        }
      }
      throw e;
    }
    long[] written = new long[sinks.size()];
    for (int i = 0; i < written.length; i++) {
      final int route = i;
      sinks.get(i).batchWrite().commit(outcomes.stream().map((o) -> o.messages()[route]).toArray(WriterCommitMessage[]::new));
      written[i] = outcomes.stream().mapToLong((o) -> o.rows()[route]).sum();
    }
    return written;
  }

  /** What one task wrote: each route's commit message and row count. */
  record PartitionOutcome(WriterCommitMessage[] messages, long[] rows) implements Serializable {}

  /** The task: column i of each row is route i's row, or null when the row is not the route's. */
  static final class PartitionWriter implements FlatMapFunction<Iterator<InternalRow>, PartitionOutcome> {
    private final DataWriterFactory[] factories;
    private final int[] widths;

    PartitionWriter(DataWriterFactory[] factories, int[] widths) {
      this.factories = factories;
      this.widths = widths;
    }

    @Override
    public Iterator<PartitionOutcome> call(Iterator<InternalRow> rows) throws Exception {
      TaskContext task = TaskContext.get();
      int routes = factories.length;
      @SuppressWarnings("unchecked")
      DataWriter<InternalRow>[] writers = new DataWriter[routes];
      long[] counts = new long[routes];
      try {
        for (int i = 0; i < routes; i++) writers[i] = factories[i].createWriter(task.partitionId(), task.taskAttemptId());
        try (WriteHandoff handoff = new WriteHandoff(writers, HANDOFF_ROWS, "routed-write-" + task.stageId() + "-" + task.partitionId())) {
          while (rows.hasNext()) {
            InternalRow row = rows.next();
            for (int i = 0; i < routes; i++) {
              if (row.isNullAt(i)) continue;
              // The source reuses its row buffers: the writer thread gets its own copy.
              handoff.write(i, row.getStruct(i, widths[i]).copy());
              counts[i]++;
            }
          }
          handoff.finish();
        }
        WriterCommitMessage[] messages = new WriterCommitMessage[routes];
        for (int i = 0; i < routes; i++) messages[i] = writers[i].commit();
        return List.of(new PartitionOutcome(messages, counts)).iterator();
      } catch (Throwable t) {
        for (DataWriter<InternalRow> w : writers) {
          if (w == null) continue;
          try {
            w.abort();
          } catch (Throwable abortFailure) {
            t.addSuppressed(abortFailure);
          }
        }
        throw t;
      } finally {
        for (DataWriter<InternalRow> w : writers) {
          if (w == null) continue;
          try {
            w.close();
          } catch (IOException | RuntimeException e) {
            // After commit or abort: the outcome stands, a writer that cannot release its resources is only logged.
            LOG.warn("routed write task {}: a writer did not close: {}", task.taskAttemptId(), e.toString());
          }
        }
      }
    }
  }
}
