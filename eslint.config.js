import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

// The layers of docs/layout.md, lowest first: a layer may import itself and the ones it lists, nothing else of
// ours. src/core, src/kafka and harness/ may not exist yet; their rules apply as soon as they do.
const layers = {
  core: { pattern: 'src/core', imports: [] },
  config: { pattern: 'src/config', imports: ['core'] },
  model: { pattern: 'src/model', imports: ['core'] },
  // The randomUser() declaration's record type and descriptor are the Random User record model, which lives with
  // its source (src/source/randomuser/record.ts, itself importing only the model): that one file, nothing else.
  pipeline: { pattern: 'src/pipeline', imports: ['core', 'model', 'source/randomuser/record.ts'] },
  kafka: { pattern: 'src/kafka', imports: ['core', 'config', 'model'] },
  source: { pattern: 'src/source', imports: ['core', 'config', 'model', 'kafka', 'pipeline'] },
  produce: { pattern: 'src/produce', imports: ['core', 'config', 'model', 'kafka', 'source', 'pipeline'] },
  sink: { pattern: 'src/sink', imports: ['core', 'config', 'model', 'kafka', 'pipeline'] },
  stream: { pattern: 'src/stream', imports: ['core', 'config', 'model', 'kafka', 'sink', 'pipeline', 'spark-connect'] },
  runtime: { pattern: 'src/runtime', imports: ['core', 'config', 'model', 'kafka', 'spark-connect'] },
  app: { pattern: 'src/app', imports: ['core', 'config', 'model', 'kafka', 'source', 'produce', 'sink', 'stream', 'runtime', 'pipeline', 'spark-connect'] },
  dashboard: { pattern: 'src/dashboard', imports: ['core', 'config', 'model', 'kafka', 'sink', 'stream', 'runtime', 'app', 'pipeline'] },
  // The CLI is the entry point: its `dashboard` command starts the dashboard (never the other way round).
  cli: { pattern: 'src/cli', imports: ['core', 'config', 'model', 'kafka', 'source', 'produce', 'sink', 'stream', 'runtime', 'app', 'dashboard', 'pipeline'] },
  // Pipeline files use the public API only, src/pipeline/index.ts (and zod, not one of ours), as a user's file
  // outside the repository must: `pipeline/index.ts` allows that one file of the layer.
  pipelines: { pattern: 'pipelines', imports: ['pipeline/index.ts'] },
  examples: { pattern: 'examples', imports: ['pipeline/index.ts'] },
  'spark-connect': { pattern: 'packages/spark-connect', imports: [] },
  // Scaffolding shared by tests and tools; src/ never imports it, nor test/, bench/ or faults/.
  harness: { pattern: 'harness', imports: ['src', 'spark-connect', 'pipelines'] },
  // Tests may import the tools they test; the tools share code only through harness/, never through test/.
  test: { pattern: 'test', imports: ['*'] },
  // The soak checks its run with the fault suite's checker (one exactness check for both).
  bench: { pattern: 'bench', imports: ['src', 'spark-connect', 'harness', 'faults', 'pipelines'] },
  faults: { pattern: 'faults', imports: ['src', 'spark-connect', 'harness', 'pipelines'] },
};
const srcLayers = Object.keys(layers).filter((name) => layers[name].pattern.startsWith('src/'));
const toolLayers = ['harness', 'test', 'bench', 'faults', 'pipelines', 'examples'];

export default tseslint.config(
  { ignores: ['node_modules/', '.streamline/', 'packages/spark-connect/src/gen/', 'dist/', 'coverage/', 'scratch/', 'test/fixtures/pipelines/bad-*.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', performance: 'readonly', structuredClone: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': Object.entries(layers).map(([type, { pattern }]) => ({ type, pattern, partialMatch: false })),
      'boundaries/include': [...Object.values(layers).map(({ pattern }) => `${pattern}/**`)],
      'import/resolver': { typescript: { alwaysTryTypes: true, project: 'tsconfig.json' } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: Object.entries(layers).map(([type, { imports }]) => {
            const wholeLayers = imports.includes('*')
              ? [...srcLayers, 'spark-connect', ...toolLayers]
              : [type, ...imports.filter((name) => !name.includes('/')).flatMap((name) => (name === 'src' ? srcLayers : [name]))];
            // `layer/file`: only that file of the layer (its entry point).
            const entryPoints = imports.filter((name) => name.includes('/')).map((name) => name.split(/\/(.*)/s));
            return {
              from: { element: { type } },
              allow: {
                to: [{ element: { types: { anyOf: wholeLayers } } }, ...entryPoints.map(([layer, file]) => ({ element: { types: layer, fileInternalPath: file } }))],
              },
            };
          }),
        },
      ],
    },
  },
  // The dashboard page is plain browser JavaScript served as is.
  {
    files: ['src/dashboard/page/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', location: 'readonly', URLSearchParams: 'readonly', Node: 'readonly', uPlot: 'readonly' } },
  },
);
