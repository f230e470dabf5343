/**
 * `spark.read` and `spark.readStream`: immutable builders producing `Read` relations.
 */
import type { DataType } from './types.js';
import { relation, type SessionContext } from './context.js';
import { DataFrame } from './dataframe.js';
import type { OptionValue } from './writer.js';

interface ReaderState {
  format?: string;
  schema?: string;
  options: Record<string, string>;
}

const str = (v: OptionValue): string => String(v);
const schemaText = (schema: DataType | string): string => (typeof schema === 'string' ? schema : schema.toDDL());

abstract class BaseReader<Self> {
  constructor(
    protected readonly ctx: SessionContext,
    protected readonly state: ReaderState = { options: {} },
  ) {}

  protected abstract readonly streaming: boolean;
  protected abstract with(state: ReaderState): Self;

  format(source: string): Self {
    return this.with({ ...this.state, format: source });
  }
  option(key: string, value: OptionValue): Self {
    return this.with({ ...this.state, options: { ...this.state.options, [key]: str(value) } });
  }
  options(options: Record<string, OptionValue>): Self {
    return this.with({
      ...this.state,
      options: { ...this.state.options, ...Object.fromEntries(Object.entries(options).map(([k, v]) => [k, str(v)])) },
    });
  }
  /** Input schema, as a StructType or a DDL string. */
  schema(schema: DataType | string): Self {
    return this.with({ ...this.state, schema: schemaText(schema) });
  }

  /** Loads the source (from `paths` when given). */
  load(...paths: string[]): DataFrame {
    return new DataFrame(
      this.ctx,
      relation({
        relType: {
          case: 'read',
          value: {
            isStreaming: this.streaming,
            readType: {
              case: 'dataSource',
              value: {
                ...(this.state.format !== undefined ? { format: this.state.format } : {}),
                ...(this.state.schema !== undefined ? { schema: this.state.schema } : {}),
                options: this.state.options,
                paths,
              },
            },
          },
        },
      }),
    );
  }

  /** Reads a table (catalog name). */
  table(name: string): DataFrame {
    return new DataFrame(
      this.ctx,
      relation({
        relType: {
          case: 'read',
          value: { isStreaming: this.streaming, readType: { case: 'namedTable', value: { unparsedIdentifier: name, options: this.state.options } } },
        },
      }),
    );
  }
}

export class DataFrameReader extends BaseReader<DataFrameReader> {
  protected readonly streaming = false;
  protected with(state: ReaderState): DataFrameReader {
    return new DataFrameReader(this.ctx, state);
  }
}

export class DataStreamReader extends BaseReader<DataStreamReader> {
  protected readonly streaming = true;
  protected with(state: ReaderState): DataStreamReader {
    return new DataStreamReader(this.ctx, state);
  }
}
