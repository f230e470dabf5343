// Loading a pipeline file: which file, then importing it through the tsx loader that
// bin/streamline.js registers (with bin/pipeline-resolve.mjs mapping `streamline/pipeline` to this CLI's
// src/pipeline/index.ts, so the file shares our module instance), then its default export checked. Every
// failure is a PipelineFileError naming the file, the line where there is one, and what to do.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PipelineFileError } from '../core/errors.js';
import { isPipeline, type Pipeline } from './define.js';

/** The file `./streamline.pipeline.ts` a project keeps at its root, found in the working directory. */
export const PROJECT_PIPELINE_FILE = 'streamline.pipeline.ts';

/** The Random User pipeline, used when nothing names another (so `npm start` runs what it always ran). */
export const BUILTIN_PIPELINE = fileURLToPath(new URL('../../pipelines/randomuser.ts', import.meta.url));

/** Where the pipeline's file name came from, most specific first. */
export type PipelineOrigin = 'flag' | 'env' | 'config' | 'project' | 'builtin';

const ORIGIN_LABEL: Record<PipelineOrigin, string> = {
  flag: '--pipeline',
  env: 'env STREAMLINE_PIPELINE',
  config: 'config key pipeline',
  project: `./${PROJECT_PIPELINE_FILE}`,
  builtin: 'built-in default',
};

export interface PipelineChoice {
  /** Absolute path. */
  file: string;
  origin: PipelineOrigin;
}

export interface PipelineSources {
  /** `--pipeline <file>`. */
  flag?: string | undefined;
  /** `STREAMLINE_PIPELINE`. */
  env?: string | undefined;
  /** The config key `pipeline` (file < env < flag already merged: checked after the two above). */
  config?: string | undefined;
  /** Where relative names are resolved and `./streamline.pipeline.ts` is looked for. */
  cwd: string;
}

/** Which pipeline file a command uses: --pipeline, then STREAMLINE_PIPELINE, then config, then ./streamline.pipeline.ts, then the built-in one. */
export function choosePipelineFile({ flag, env, config, cwd }: PipelineSources): PipelineChoice {
  const named = ([['flag', flag], ['env', env], ['config', config]] as const).find(([, value]) => value !== undefined && value !== '');
  if (named) return { file: resolve(cwd, named[1] as string), origin: named[0] };
  const project = resolve(cwd, PROJECT_PIPELINE_FILE);
  if (existsSync(project)) return { file: project, origin: 'project' };
  return { file: BUILTIN_PIPELINE, origin: 'builtin' };
}

/** How a chosen file is shown: relative to the working directory when inside it, with where its name came from. */
export function describeChoice({ file, origin }: PipelineChoice, cwd = process.cwd()): string {
  return `${displayPath(file, cwd)} (${ORIGIN_LABEL[origin]})`;
}

export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export interface LoadedPipeline extends PipelineChoice {
  pipeline: Pipeline;
}

/** Imports the chosen file and returns its pipeline; throws a PipelineFileError naming the file (and line) otherwise. */
export async function loadPipeline(choice: PipelineChoice): Promise<LoadedPipeline> {
  const { file } = choice;
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new PipelineFileError('PIPELINE_NOT_FOUND', file, `pipeline file ${file} not found (named by ${ORIGIN_LABEL[choice.origin]})`, {
      hint: `check the path, or run \`streamline init\` to write ./${PROJECT_PIPELINE_FILE}; without --pipeline, STREAMLINE_PIPELINE or the config key pipeline, ./${PROJECT_PIPELINE_FILE} is used if present, else the built-in Random User pipeline`,
    });
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw importError(file, error);
  }
  const definition = module.default;
  if (!isPipeline(definition)) {
    const got = definition === undefined ? 'has no default export' : `exports ${describeValue(definition)} by default`;
    throw new PipelineFileError('PIPELINE_NO_DEFAULT', file, `pipeline file ${file} ${got}, not a pipeline`, {
      hint: "end the file with `export default definePipeline({...})`, definePipeline imported from 'streamline/pipeline'",
    });
  }
  return { ...choice, pipeline: definition };
}

/** The Kafka topics a pipeline reads or writes, in definition order. */
export function pipelineTopics(pipeline: Pipeline): string[] {
  return Object.values(pipeline.topics).map((topic) => topic.topic);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A failed import as a PipelineFileError: a syntax error (esbuild's file:line:col) or a throw while evaluating (the first stack frame in the file). */
function importError(file: string, error: unknown): PipelineFileError {
  const err = error instanceof Error ? error : new Error(String(error));
  const syntax = syntaxLocation(err);
  if (syntax) {
    const where = `${syntax.file}:${syntax.line}:${syntax.column}`;
    return new PipelineFileError('PIPELINE_SYNTAX', syntax.file, `syntax error in ${where}: ${syntax.message}`, {
      line: syntax.line,
      column: syntax.column,
      hint: `fix the syntax at ${where} (\`streamline check\` type-checks the whole file)`,
      cause: error,
    });
  }
  const frame = frameIn(file, err.stack ?? '');
  const where = frame ? `${file}:${frame.line}:${frame.column}` : file;
  return new PipelineFileError('PIPELINE_EVAL', file, `pipeline file ${where} threw while loading: ${err.message}`, {
    ...(frame ? { line: frame.line, column: frame.column } : {}),
    hint: frame ? `look at line ${frame.line} of ${file}: it runs when the file is imported` : `the error happened while importing ${file} (a module it imports, or a name it imports that does not exist)`,
    cause: error,
  });
}

interface SyntaxLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** esbuild's transform error (as tsx raises it) has `errors[0].location`, and its message `file:line:col: ERROR: text`. */
function syntaxLocation(error: Error): SyntaxLocation | undefined {
  const first = (error as { errors?: { text?: string; location?: { file?: string; line?: number; column?: number } | null }[] }).errors?.[0];
  if (first?.location?.file && first.location.line !== undefined) {
    // esbuild's columns are 0-based, editors' 1-based.
    return { file: resolve(first.location.file), line: first.location.line, column: (first.location.column ?? 0) + 1, message: first.text ?? error.message };
  }
  const match = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(error.message);
  if (!match) return undefined;
  return { file: resolve(match[1] as string), line: Number(match[2]), column: Number(match[3]) + 1, message: match[4] as string };
}

/** The first stack frame in `file` (tsx maps them back to the TypeScript source). */
function frameIn(file: string, stack: string): { line: number; column: number } | undefined {
  const url = pathToFileURL(file).href;
  for (const line of stack.split('\n')) {
    for (const prefix of [file, url]) {
      const at = line.indexOf(`${prefix}:`);
      if (at === -1) continue;
      const match = /^:(\d+):(\d+)/.exec(line.slice(at + prefix.length));
      if (match) return { line: Number(match[1]), column: Number(match[2]) };
    }
  }
  return undefined;
}
