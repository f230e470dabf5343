/**
 * `spark.readStream`: an immutable builder producing a streaming `Read` relation.
 */
import { relation, type SessionContext } from './context.js';
import { DataFrame } from './dataframe.js';
import type { OptionValue } from './writer.js';

interface ReaderState {
  format?: string;
  options: Record<string, string>;
}

export class DataStreamReader {
  constructor(
    private readonly ctx: SessionContext,
    private readonly state: ReaderState = { options: {} },
  ) {}

  format(source: string): DataStreamReader {
    return new DataStreamReader(this.ctx, { ...this.state, format: source });
  }
  option(key: string, value: OptionValue): DataStreamReader {
    return this.options({ [key]: value });
  }
  options(options: Record<string, OptionValue>): DataStreamReader {
    const added = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)]));
    return new DataStreamReader(this.ctx, { ...this.state, options: { ...this.state.options, ...added } });
  }

  /** The streaming source as a DataFrame. */
  load(): DataFrame {
    const { format, options } = this.state;
    return new DataFrame(
      this.ctx,
      relation({
        relType: {
          case: 'read',
          value: { isStreaming: true, readType: { case: 'dataSource', value: { ...(format !== undefined ? { format } : {}), options } } },
        },
      }),
    );
  }
}
