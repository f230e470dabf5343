package dev.streamline.connect;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;

/**
 * Hands a task's rows to its sinks' writers on a second thread, so that the task computes the next rows
 * (reading, parsing, checking) while a writer waits for its sink (a store's bulk write): with a synchronous
 * writer on the task's own thread the two only take turns. A bounded queue keeps the memory of a task
 * flat. Each writer is only ever called from the handoff thread; after finish() returns, the caller may
 * commit them (the thread's end happens-before).
 */
final class WriteHandoff implements AutoCloseable {
  /** How long the task waits for room in the queue before it looks whether the writer failed. */
  private static final long FAILURE_CHECK_MS = 50;

  /** How long close() waits for an interrupted writer. */
  private static final long STOP_WAIT_MS = 30_000;

  private record Item(int writer, InternalRow row) {}

  private static final Item END = new Item(-1, null);

  private final BlockingQueue<Item> queue;
  private final Thread thread;
  private volatile Throwable failure;

  /**
   * @param writers called with the rows handed to them, in the order handed
   * @param capacity rows waiting at most (each a copy the caller owns)
   */
  WriteHandoff(DataWriter<InternalRow>[] writers, int capacity, String threadName) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(() -> drain(writers), threadName);
    thread.setDaemon(true);
    thread.start();
  }

  private void drain(DataWriter<InternalRow>[] writers) {
    try {
      for (Item item = queue.take(); item != END; item = queue.take()) writers[item.writer()].write(item.row());
    } catch (InterruptedException e) {
      // close() before finish(): the task failed or was killed, and its writers are aborted.
    } catch (Throwable t) {
      failure = t;
    }
  }

  /** Hands `row` (which must not be reused by the caller) to writer `writer`; throws the writer's failure, if any. */
  void write(int writer, InternalRow row) throws Exception {
    enqueue(new Item(writer, row));
  }

  /** Waits until every row handed over is written; throws the writer's failure, if any. */
  void finish() throws Exception {
    enqueue(END);
    thread.join();
    throwFailure();
  }

  private void enqueue(Item item) throws Exception {
    throwFailure();
    while (!queue.offer(item, FAILURE_CHECK_MS, TimeUnit.MILLISECONDS)) throwFailure();
  }

  /** The writer's own exception, so that callers matching its message (a sink's reject reason) see it unchanged. */
  private void throwFailure() throws Exception {
    Throwable t = failure;
    if (t == null) return;
    if (t instanceof Exception e) throw e;
    throw (Error) t;
  }

  /**
   * Stops the thread if it still runs (a failure before finish()); the caller then aborts the writers. A
   * writer that ignores the interrupt is left to its sink's own timeout on a daemon thread.
   */
  @Override
  public void close() throws InterruptedException {
    if (!thread.isAlive()) return;
    thread.interrupt();
    thread.join(STOP_WAIT_MS);
  }
}
