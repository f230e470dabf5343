import { BUILTIN_PIPELINE, displayPath, loadPipeline } from '../pipeline/load.js';
import type { ResolvedPipeline } from '../pipeline/resolve.js';
import { runtimePipeline } from '../pipeline/runtime.js';
import type { EnvRef, Source } from '../pipeline/sources.js';

/** What `/api/pipeline` serves and the page's header shows: which pipeline this dashboard watches. */
export interface PipelineView {
  readonly name: string;
  /** The pipeline file, relative to the working directory when inside it. */
  readonly file: string;
  readonly source: {
    readonly kind: Source['kind'];
    /** Short and stable (the `source` label of streamline_pipeline_info): `randomuser`, `http:<host>`, `file:<path>`, `kafka`. */
    readonly label: string;
    /** For people: "Random User API", "HTTP JSON API", ... */
    readonly title: string;
  };
  /** The stages the records go through, in order, for the header: source, Kafka, Spark, MongoDB. */
  readonly flow: readonly string[];
  /** The Kafka topics the pipeline reads. */
  readonly topics: readonly string[];
  /** `database.collection` per topic (the database is the configuration's when the pipeline names none). */
  readonly collections: readonly string[];
}

const TITLES: Record<Source['kind'], string> = { randomuser: 'Random User API', 'http-json': 'HTTP JSON API', file: 'files', kafka: 'Kafka topics fed by others' };

/** The host of a declared URL, never its credentials or query; an env() URL is named by its variable (its value is read only when the producer starts). */
function urlHost(url: string | EnvRef | undefined): string | undefined {
  if (url === undefined) return undefined;
  if (typeof url !== 'string') return `env(${url.env})`;
  return URL.canParse(url) ? new URL(url).host : undefined;
}

function sourceLabel(source: Source): string {
  if (source.label !== undefined) return source.label;
  switch (source.kind) {
    case 'randomuser': {
      const host = urlHost(source.options.url);
      return host === undefined ? 'randomuser' : `randomuser:${host}`;
    }
    case 'http-json': {
      const host = urlHost(source.options.url);
      return host === undefined ? 'http' : `http:${host}`;
    }
    case 'file':
      return `file:${source.options.path}`;
    case 'kafka':
      return 'kafka';
  }
}

/** Pure: the view of a resolved pipeline; `database` is the configuration's, for collections whose pipeline names none. */
export function pipelineView(pipeline: ResolvedPipeline, file: string, database: string): PipelineView {
  const { source } = pipeline;
  const title = TITLES[source.kind];
  // A kafka() pipeline has no producer: its first stage is Kafka itself.
  const flow = source.kind === 'kafka' ? [title, 'Spark Structured Streaming', 'MongoDB'] : [title, 'Kafka', 'Spark Structured Streaming', 'MongoDB'];
  return {
    name: pipeline.name,
    file: displayPath(file),
    source: { kind: source.kind, label: sourceLabel(source), title },
    flow,
    topics: pipeline.topics.map((topic) => topic.kafkaTopic),
    collections: pipeline.topics.map((topic) => `${topic.sink.database ?? database}.${topic.sink.collection}`),
  };
}

/** The pipeline a dashboard watches: its definition, resolved, and the file it came from. */
export interface WatchedPipeline {
  readonly resolved: ResolvedPipeline;
  readonly file: string;
}

/**
 * The built-in Random User pipeline, for a dashboard started without one (the demo, the tools), narrowed to
 * `topics` (config `topics`) as `stream start` narrows it: the page watches the queries that run. Empty: all.
 */
export async function builtinPipeline(topics: readonly string[] = []): Promise<WatchedPipeline> {
  const loaded = await loadPipeline({ file: BUILTIN_PIPELINE, origin: 'builtin' });
  return { resolved: runtimePipeline(loaded, { subset: topics }).resolved, file: loaded.file };
}
