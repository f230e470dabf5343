/**
 * Batch (`df.write`) and streaming (`df.writeStream`) writers: immutable builders producing
 * WriteOperation and WriteStreamOperationStart commands.
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import { SparkError } from '../client/errors.js';
import { WriteOperation_SaveMode, WriteOperation_SaveTable_TableSaveMethod, type WriteStreamOperationStartSchema } from '../gen/spark/connect/commands_pb.js';
import type { Relation } from '../gen/spark/connect/relations_pb.js';
import { command, executeCommand, type SessionContext } from './context.js';
import { StreamingQuery } from './streaming.js';

export type OptionValue = string | number | boolean;
const str = (v: OptionValue): string => String(v);

export type SaveMode = 'append' | 'overwrite' | 'error' | 'errorifexists' | 'ignore';

const SAVE_MODES: Record<SaveMode, WriteOperation_SaveMode> = {
  append: WriteOperation_SaveMode.APPEND,
  overwrite: WriteOperation_SaveMode.OVERWRITE,
  error: WriteOperation_SaveMode.ERROR_IF_EXISTS,
  errorifexists: WriteOperation_SaveMode.ERROR_IF_EXISTS,
  ignore: WriteOperation_SaveMode.IGNORE,
};

interface WriterState {
  source?: string;
  mode?: SaveMode;
  options: Record<string, string>;
  partitionBy: string[];
}

export class DataFrameWriter {
  constructor(
    private readonly ctx: SessionContext,
    private readonly input: Relation,
    private readonly state: WriterState = { options: {}, partitionBy: [] },
  ) {}

  private with(patch: Partial<WriterState>): DataFrameWriter {
    return new DataFrameWriter(this.ctx, this.input, { ...this.state, ...patch });
  }

  format(source: string): DataFrameWriter {
    return this.with({ source });
  }
  mode(mode: SaveMode): DataFrameWriter {
    if (!(mode in SAVE_MODES)) throw new SparkError(`unknown save mode '${mode}'`);
    return this.with({ mode });
  }
  option(key: string, value: OptionValue): DataFrameWriter {
    return this.with({ options: { ...this.state.options, [key]: str(value) } });
  }
  options(options: Record<string, OptionValue>): DataFrameWriter {
    return this.with({ options: { ...this.state.options, ...Object.fromEntries(Object.entries(options).map(([k, v]) => [k, str(v)])) } });
  }
  partitionBy(...columns: string[]): DataFrameWriter {
    return this.with({ partitionBy: columns });
  }

  /** The WriteOperation command (for tests and inspection). */
  toCommand(saveType: { path?: string; table?: { name: string; method: 'saveAsTable' | 'insertInto' } } = {}) {
    const saveTypeInit = saveType.table
      ? {
          case: 'table' as const,
          value: {
            tableName: saveType.table.name,
            saveMethod:
              saveType.table.method === 'saveAsTable'
                ? WriteOperation_SaveTable_TableSaveMethod.SAVE_AS_TABLE
                : WriteOperation_SaveTable_TableSaveMethod.INSERT_INTO,
          },
        }
      : saveType.path !== undefined
        ? { case: 'path' as const, value: saveType.path }
        : { case: undefined };
    return command({
      commandType: {
        case: 'writeOperation',
        value: {
          input: this.input,
          ...(this.state.source !== undefined ? { source: this.state.source } : {}),
          saveType: saveTypeInit,
          mode: this.state.mode ? SAVE_MODES[this.state.mode] : WriteOperation_SaveMode.UNSPECIFIED,
          options: this.state.options,
          partitioningColumns: this.state.partitionBy,
        },
      },
    });
  }

  /** Writes with the configured format (to `path` when given). */
  async save(path?: string): Promise<void> {
    await executeCommand(this.ctx, this.toCommand(path === undefined ? {} : { path }));
  }
  async saveAsTable(name: string): Promise<void> {
    await executeCommand(this.ctx, this.toCommand({ table: { name, method: 'saveAsTable' } }));
  }
  async insertInto(name: string): Promise<void> {
    await executeCommand(this.ctx, this.toCommand({ table: { name, method: 'insertInto' } }));
  }
}

/** When micro-batches run. */
export type Trigger =
  | { processingTime: string | number }
  | { availableNow: true }
  | { once: true }
  | { continuous: string | number };

export type OutputMode = 'append' | 'complete' | 'update';

interface StreamWriterState {
  format?: string;
  outputMode?: OutputMode;
  trigger?: Trigger;
  queryName?: string;
  options: Record<string, string>;
  partitionBy: string[];
}

const interval = (v: string | number): string => (typeof v === 'number' ? `${v} milliseconds` : v);

export class DataStreamWriter {
  constructor(
    private readonly ctx: SessionContext,
    private readonly input: Relation,
    private readonly state: StreamWriterState = { options: {}, partitionBy: [] },
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
  /** `{ processingTime: '1 second' }` (or ms), `{ availableNow: true }`, `{ once: true }`, `{ continuous: '1 second' }`. */
  trigger(trigger: Trigger): DataStreamWriter {
    return this.with({ trigger });
  }
  queryName(name: string): DataStreamWriter {
    return this.with({ queryName: name });
  }
  option(key: string, value: OptionValue): DataStreamWriter {
    return this.with({ options: { ...this.state.options, [key]: str(value) } });
  }
  options(options: Record<string, OptionValue>): DataStreamWriter {
    return this.with({ options: { ...this.state.options, ...Object.fromEntries(Object.entries(options).map(([k, v]) => [k, str(v)])) } });
  }
  /** Shorthand for `.option('checkpointLocation', dir)`. */
  checkpointLocation(dir: string): DataStreamWriter {
    return this.option('checkpointLocation', dir);
  }
  partitionBy(...columns: string[]): DataStreamWriter {
    return this.with({ partitionBy: columns });
  }
  /** foreachBatch needs a server-side language runtime: not available from TypeScript. */
  foreachBatch(): never {
    throw new SparkError('foreachBatch is not supported by the TypeScript client; use a format-based sink');
  }

  /** The WriteStreamOperationStart command (for tests and inspection). */
  toCommand(destination: { path?: string; tableName?: string } = {}) {
    const t = this.state.trigger;
    let trigger: MessageInitShape<typeof WriteStreamOperationStartSchema>['trigger'] = { case: undefined };
    if (t && 'processingTime' in t) trigger = { case: 'processingTimeInterval', value: interval(t.processingTime) };
    else if (t && 'availableNow' in t) trigger = { case: 'availableNow', value: true };
    else if (t && 'once' in t) trigger = { case: 'once', value: true };
    else if (t && 'continuous' in t) trigger = { case: 'continuousCheckpointInterval', value: interval(t.continuous) };
    const sinkDestination =
      destination.tableName !== undefined
        ? ({ case: 'tableName', value: destination.tableName } as const)
        : destination.path !== undefined
          ? ({ case: 'path', value: destination.path } as const)
          : { case: undefined };
    return command({
      commandType: {
        case: 'writeStreamOperationStart',
        value: {
          input: this.input,
          format: this.state.format ?? '',
          options: this.state.options,
          partitioningColumnNames: this.state.partitionBy,
          trigger,
          outputMode: this.state.outputMode ?? '',
          queryName: this.state.queryName ?? '',
          sinkDestination,
        },
      },
    });
  }

  private async startWith(destination: { path?: string; tableName?: string }): Promise<StreamingQuery> {
    const result = await executeCommand(this.ctx, this.toCommand(destination));
    const r = result.writeStreamOperationStartResult;
    if (!r?.queryId) throw new SparkError('WriteStreamOperationStart returned no query id');
    return new StreamingQuery(this.ctx, r.queryId.id, r.queryId.runId, r.name || null);
  }

  /** Starts the streaming query (to `path` when given) and returns its handle. */
  async start(path?: string): Promise<StreamingQuery> {
    return this.startWith(path === undefined ? {} : { path });
  }

  /** Starts the streaming query writing into a table. */
  async toTable(tableName: string): Promise<StreamingQuery> {
    return this.startWith({ tableName });
  }
}
