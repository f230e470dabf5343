import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

// The layers of docs/layout.md, lowest first: a layer may import itself and the ones it lists, nothing else of
// ours. src/core, src/kafka and harness/ may not exist yet; their rules apply as soon as they do.
const layers = {
  core: { pattern: 'src/core', imports: [] },
  config: { pattern: 'src/config', imports: ['core'] },
  model: { pattern: 'src/model', imports: ['core'] },
  kafka: { pattern: 'src/kafka', imports: ['core', 'config', 'model'] },
  source: { pattern: 'src/source', imports: ['core', 'config', 'model', 'kafka'] },
  produce: { pattern: 'src/produce', imports: ['core', 'config', 'model', 'kafka', 'source'] },
  sink: { pattern: 'src/sink', imports: ['core', 'config', 'model', 'kafka'] },
  stream: { pattern: 'src/stream', imports: ['core', 'config', 'model', 'kafka', 'sink', 'spark-connect'] },
  runtime: { pattern: 'src/runtime', imports: ['core', 'config', 'model', 'kafka', 'spark-connect'] },
  app: { pattern: 'src/app', imports: ['core', 'config', 'model', 'kafka', 'source', 'produce', 'sink', 'stream', 'runtime', 'spark-connect'] },
  dashboard: { pattern: 'src/dashboard', imports: ['core', 'config', 'model', 'kafka', 'sink', 'stream', 'runtime', 'app'] },
  // The CLI is the entry point: its `dashboard` command starts the dashboard (never the other way round).
  cli: { pattern: 'src/cli', imports: ['core', 'config', 'model', 'kafka', 'source', 'produce', 'sink', 'stream', 'runtime', 'app', 'dashboard'] },
  'spark-connect': { pattern: 'packages/spark-connect', imports: [] },
  // Scaffolding shared by tests and tools; src/ never imports it, nor test/, bench/ or faults/.
  harness: { pattern: 'harness', imports: ['src', 'spark-connect'] },
  // Tests may import the tools they test; the tools share code only through harness/, never through test/.
  test: { pattern: 'test', imports: ['*'] },
  // The soak checks its run with the fault suite's checker (one exactness check for both).
  bench: { pattern: 'bench', imports: ['src', 'spark-connect', 'harness', 'faults'] },
  faults: { pattern: 'faults', imports: ['src', 'spark-connect', 'harness'] },
};
const srcLayers = Object.keys(layers).filter((name) => layers[name].pattern.startsWith('src/'));
const toolLayers = ['harness', 'test', 'bench', 'faults'];

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
          policies: Object.entries(layers).map(([type, { imports }]) => ({
            from: { element: { type } },
            allow: {
              to: {
                element: {
                  types: { anyOf: imports.includes('*') ? [...srcLayers, 'spark-connect', ...toolLayers] : [type, ...imports.flatMap((name) => (name === 'src' ? srcLayers : [name]))] },
                },
              },
            },
          })),
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
