// Type-checking a pipeline file with the TypeScript compiler API, for `streamline check` only (the run
// commands do not pay for it). `typescript` is loaded lazily: importing this module costs nothing.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type TS from 'typescript';

/** The public API a pipeline imports as `streamline/pipeline` (bin/pipeline-resolve.mjs maps it at run time). */
const API_ENTRY = fileURLToPath(new URL('./index.ts', import.meta.url));
const CLI_TYPES = fileURLToPath(new URL('../../node_modules/@types', import.meta.url));

export interface TypeDiagnostic {
  file?: string;
  line?: number;
  column?: number;
  /** TypeScript's error number, e.g. 2353. */
  code: number;
  message: string;
}

export interface TypeCheckResult {
  /** The tsconfig.json whose compilerOptions were used, or undefined for the built-in strict ones. */
  tsconfig?: string;
  diagnostics: TypeDiagnostic[];
  /** Every diagnostic as TypeScript prints it: file:line:col, message and the code frame (no colours). */
  formatted: string;
  ms: number;
}

/** Built-in options for a file with no tsconfig.json above it: strict, and ESM whatever package.json says (the loader forces ESM too). */
function builtinOptions(ts: typeof TS): TS.CompilerOptions {
  return {
    strict: true,
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    // Node's types where the CLI has them (a dev install); a production install type-checks without them.
    ...(existsSync(join(CLI_TYPES, 'node')) ? { types: ['node'], typeRoots: [CLI_TYPES] } : { types: [] }),
  };
}

function tsconfigOptions(ts: typeof TS, tsconfig: string): TS.CompilerOptions {
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile.bind(ts.sys));
  if (read.error) return builtinOptions(ts);
  return ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(tsconfig), undefined, tsconfig).options;
}

/**
 * Our API's own sources use Node's types (node:crypto, process): a tsconfig that does not bring them (a
 * fresh project without @types/node) would report errors in the CLI's files, not the pipeline file's. Then the
 * CLI's copy is added as a root file.
 */
function nodeTypesUnlessPresent(ts: typeof TS, file: string, options: TS.CompilerOptions): string[] {
  const own = join(CLI_TYPES, 'node', 'index.d.ts');
  if (!existsSync(own)) return [];
  const listed = options.types === undefined || options.types.includes('node');
  const found = ts.resolveTypeReferenceDirective('node', file, options, ts.sys).resolvedTypeReferenceDirective;
  return listed && found ? [] : [own];
}

/** Type-checks `file` with the nearest tsconfig.json's options (else built-in strict ones), `streamline/pipeline` pointing at this CLI. */
export async function typeCheckPipeline(file: string): Promise<TypeCheckResult> {
  const started = performance.now();
  const ts = (await import('typescript')).default;
  const tsconfig = ts.findConfigFile(dirname(file), ts.sys.fileExists.bind(ts.sys), 'tsconfig.json');
  const base = tsconfig ? tsconfigOptions(ts, tsconfig) : builtinOptions(ts);
  const options: TS.CompilerOptions = {
    ...base,
    noEmit: true,
    skipLibCheck: true,
    paths: { ...base.paths, 'streamline/pipeline': [API_ENTRY], streamline: [API_ENTRY] },
  };
  const program = ts.createProgram([file, ...nodeTypesUnlessPresent(ts, file, options)], options);
  const found = ts.getPreEmitDiagnostics(program);
  const host: TS.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' };
  const diagnostics = found.map((d): TypeDiagnostic => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return { code: d.code, message };
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return { file: d.file.fileName, line: line + 1, column: character + 1, code: d.code, message };
  });
  // eslint-disable-next-line no-control-regex -- the colours TypeScript's code frames always carry
  const formatted = ts.formatDiagnosticsWithColorAndContext(found, host).replace(/\u001b\[[0-9;]*m/g, '');
  return { ...(tsconfig ? { tsconfig } : {}), diagnostics, formatted, ms: Math.round(performance.now() - started) };
}
