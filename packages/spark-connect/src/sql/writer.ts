/**
 * Batch (`df.write`) and streaming (`df.writeStream`) writers: immutable builders producing
 * WriteOperation and WriteStreamOperationStart commands.
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import { SparkError } from '../client/errors.js';
import { WriteOperation_SaveMode, type WriteStreamOperationStartSchema } from '../gen/spark/connect/commands_pb.js';
import type { Relation } from '../gen/spark/connect/relations_pb.js';
import { command, executeCommand, type SessionContext } from './context.js';
import { ROUTED_FOREACH_BATCH_PLUGIN_CLASS, ROUTED_FOREACH_BATCH_PLUGIN_JAR, routedForeachBatchExtension, type BatchRoute } from './routed.js';
import { StreamingQuery } from './streaming.js';

export type OptionValue = string | number | boolean;

interface WriterState {
  source?: string;
  options: Record<string, string>;
}

/** Option values as Spark takes them (strings). */
const withOptions = (current: Record<string, string>, added: Record<string, OptionValue>): Record<string, string> => ({
  ...current,
  ...Object.fromEntries(Object.entries(added).map(([k, v]) => [k, String(v)])),
});

export class DataFrameWriter {
  constructor(
    private readonly ctx: SessionContext,
    private readonly input: Relation,
    private readonly state: WriterState = { options: {} },
  ) {}

  private with(patch: Partial<WriterState>): DataFrameWriter {
    return new DataFrameWriter(this.ctx, this.input, { ...this.state, ...patch });
  }

  format(source: string): DataFrameWriter {
    return this.with({ source });
  }
  option(key: string, value: OptionValue): DataFrameWriter {
    return this.options({ [key]: value });
  }
  options(options: Record<string, OptionValue>): DataFrameWriter {
    return this.with({ options: withOptions(this.state.options, options) });
  }

  /** The WriteOperation command (for tests and inspection). */
  toCommand() {
    return command({
      commandType: {
        case: 'writeOperation',
        value: {
          input: this.input,
          ...(this.state.source !== undefined ? { source: this.state.source } : {}),
          mode: WriteOperation_SaveMode.UNSPECIFIED,
          options: this.state.options,
        },
      },
    });
  }

  /** Writes with the configured format and options. */
  async save(): Promise<void> {
    await executeCommand(this.ctx, this.toCommand());
  }
}

/** When micro-batches run. */
export type Trigger = { processingTime: string | number } | { availableNow: true };

export type OutputMode = 'append' | 'complete' | 'update';

interface StreamWriterState {
  format?: string;
  outputMode?: OutputMode;
  trigger?: Trigger;
  queryName?: string;
  options: Record<string, string>;
  routes?: BatchRoute[];
}

const interval = (v: string | number): string => (typeof v === 'number' ? `${v} milliseconds` : v);

export class DataStreamWriter {
  constructor(
    private readonly ctx: SessionContext,
    private readonly input: Relation,
    private readonly state: StreamWriterState = { options: {} },
  ) {}

  private with(patch: Partial<StreamWriterState>): DataStreamWriter {
    return new DataStreamWriter(this.ctx, this.input, { ...this.state, ...patch });
  }

  format(source: string): DataStreamWriter {
    return this.with({ format: source });
  }
  outputMode(mode: OutputMode): DataStreamWriter {
    return this.with({ outputMode: mode });
  }
  /** `{ processingTime: '1 second' }` (or ms), `{ availableNow: true }`. */
  trigger(trigger: Trigger): DataStreamWriter {
    return this.with({ trigger });
  }
  queryName(name: string): DataStreamWriter {
    return this.with({ queryName: name });
  }
  option(key: string, value: OptionValue): DataStreamWriter {
    return this.options({ [key]: value });
  }
  options(options: Record<string, OptionValue>): DataStreamWriter {
    return this.with({ options: withOptions(this.state.options, options) });
  }
  /** Shorthand for `.option('checkpointLocation', dir)`. */
  checkpointLocation(dir: string): DataStreamWriter {
    return this.option('checkpointLocation', dir);
  }
  /**
   * Instead of one format sink: every micro-batch is computed once and written by every route (its rows,
   * projected, through a batch format sink; in one pass where the formats allow it). Needs the Connect server plugin
   * dev.streamline.connect.RoutedForeachBatchPlugin; see routed.ts. Output mode is append.
   */
  foreachBatchRoutes(routes: BatchRoute[]): DataStreamWriter {
    if (routes.length === 0) throw new SparkError('foreachBatchRoutes() needs at least one route');
    const names = new Set(routes.map((r) => r.name));
    if (names.size !== routes.length) throw new SparkError(`foreachBatchRoutes(): route names must be unique, got ${routes.map((r) => r.name).join(', ')}`);
    for (const r of routes) {
      if (r.rejects && !names.has(r.rejects.route)) throw new SparkError(`foreachBatchRoutes(): route '${r.name}' sends rejected rows to '${r.rejects.route}', which is not one of the routes`);
      if (r.dedupeLatestBy && r.dedupeLatestBy.orderBy.length === 0) throw new SparkError(`foreachBatchRoutes(): route '${r.name}' keeps the latest row per key but gives no orderBy to tell which is the latest`);
    }
    return this.with({ routes });
  }

  /** The WriteStreamOperationStart command, or the routed foreachBatch plugin command (for tests and inspection). */
  toCommand() {
    if (this.state.routes) return this.routedCommand(this.state.routes);
    const t = this.state.trigger;
    let trigger: MessageInitShape<typeof WriteStreamOperationStartSchema>['trigger'] = { case: undefined };
    if (t && 'processingTime' in t) trigger = { case: 'processingTimeInterval', value: interval(t.processingTime) };
    else if (t && 'availableNow' in t) trigger = { case: 'availableNow', value: true };
    return command({
      commandType: {
        case: 'writeStreamOperationStart',
        value: {
          input: this.input,
          format: this.state.format ?? '',
          options: this.state.options,
          trigger,
          outputMode: this.state.outputMode ?? '',
          queryName: this.state.queryName ?? '',
        },
      },
    });
  }

  private routedCommand(routes: BatchRoute[]) {
    if (this.state.format !== undefined) throw new SparkError(`foreachBatchRoutes() writes through its routes' formats; drop format('${this.state.format}')`);
    if (this.state.outputMode !== undefined && this.state.outputMode !== 'append') throw new SparkError(`foreachBatchRoutes() supports output mode append only, got ${this.state.outputMode}`);
    const t = this.state.trigger;
    const extension = routedForeachBatchExtension({
      input: this.input,
      ...(this.state.queryName !== undefined ? { queryName: this.state.queryName } : {}),
      ...(t && 'processingTime' in t ? { trigger: { processingTimeInterval: interval(t.processingTime) } } : {}),
      ...(t && 'availableNow' in t ? { trigger: { availableNow: true as const } } : {}),
      options: this.state.options,
      routes,
    });
    return command({ commandType: { case: 'extension', value: extension } });
  }

  /** Starts the streaming query and returns its handle. */
  async start(): Promise<StreamingQuery> {
    const result = await executeCommand(this.ctx, this.toCommand()).catch((e: unknown) => {
      // Spark's answer to a command no plugin handles; name the plugin a routed query needs.
      if (this.state.routes && e instanceof Error && /No handler found for extension/.test(e.message)) {
        throw new SparkError(
          `this Spark Connect server has no routed foreachBatch plugin: put ${ROUTED_FOREACH_BATCH_PLUGIN_JAR} on its classpath and set spark.connect.extensions.command.classes=${ROUTED_FOREACH_BATCH_PLUGIN_CLASS} (${e.message})`,
          { cause: e },
        );
      }
      throw e;
    });
    const r = result.writeStreamOperationStartResult;
    if (!r?.queryId) throw new SparkError('WriteStreamOperationStart returned no query id');
    return new StreamingQuery(this.ctx, r.queryId.id, r.queryId.runId, r.name || null);
  }
}
