import type { KnipConfig } from 'knip';

// Dead files, exports and dependencies fail `npm test` (docs/decisions.md, "knip in the test command").
const config: KnipConfig = {
  workspaces: {
    '.': {
      entry: [
        'src/cli/main.ts',
        'scripts/*.{ts,mjs}',
        'bench/*.ts',
        'faults/*.ts',
        'test/**/*.ts',
        // The layers the other parts of issue #19 add; harmless while they do not exist.
        'harness/**/*.ts',
        'src/core/**/*.ts',
        // #23: the pipeline API's compile-time test; pipeline files and the init templates, which the CLI
        // loads by path at run time (src/pipeline/load.ts) and which import the API (src/pipeline/index.ts).
        'src/pipeline/*.typecheck.ts',
        'pipelines/*.ts',
        'examples/init/*.ts',
        // Registered by bin/streamline.js as a Node module hook (module.register), by path.
        'bin/pipeline-resolve.mjs',
      ],
      project: ['bin/**/*.{js,mjs}', 'pipelines/**/*.ts', 'examples/**/*.ts', 'src/**/*.ts', 'scripts/**/*.{ts,mjs}', 'bench/**/*.ts', 'faults/**/*.ts', 'test/**/*.ts', 'harness/**/*.ts'],
      ignoreDependencies: [
        // Not imported: the dashboard serves uPlot's browser bundle from the package's dist/ (src/dashboard/server.ts).
        'uplot',
        // Not imported: scripts/setup.mjs runs its binary (node_modules/.bin/buf) to generate the Spark Connect protos.
        '@bufbuild/buf',
      ],
    },
    'packages/spark-connect': {
      entry: ['examples/*.ts', 'test/**/*.ts'],
      project: ['src/**/*.ts', 'examples/**/*.ts', 'test/**/*.ts'],
    },
  },
  // System programs the tools run (the JDK's java and jcmd, Docker's daemon), not npm packages.
  ignoreBinaries: ['java', 'jcmd', 'dockerd'],
  // A type named in an exported signature is exported with it, so callers can name it; it is dead
  // only when nothing uses it, in its own file either.
  ignoreExportsUsedInFile: { interface: true, type: true },
};

export default config;
