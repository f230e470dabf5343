import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { displayPath, PROJECT_PIPELINE_FILE } from '../../pipeline/load.js';
import { say } from '../context.js';

/** The sources `init` has a template for: examples/init/<source>.ts (compiled by the repository's tsc). */
const TEMPLATE_SOURCES = ['randomuser', 'http', 'file', 'kafka'] as const;
type TemplateSource = (typeof TEMPLATE_SOURCES)[number];

const exampleFile = (name: string) => fileURLToPath(new URL(`../../../examples/init/${name}`, import.meta.url));

/** What a template needs besides the pipeline file: the sample data a file source reads (its path is the template's `path` glob). */
const TEMPLATE_DATA: Partial<Record<TemplateSource, { from: string; to: string }>> = {
  file: { from: 'file.ndjson', to: join('data', 'readings.ndjson') },
};

/** The step before `check` that makes the scaffolded source answer, when it needs one. */
const SOURCE_STEP: Partial<Record<TemplateSource, [string, string]>> = {
  http: ['npx streamline example-api orders', 'in another terminal: the local fake orders API the pipeline reads (port 3002)'],
};
const API_ENTRY = fileURLToPath(new URL('../../pipeline/index.ts', import.meta.url));

interface InitFlags {
  source: TemplateSource;
  dir: string;
  force?: boolean;
}

/**
 * The tsconfig.json written next to the pipeline: strict, ESM whatever package.json says (the loader runs
 * the file as ESM), `streamline/pipeline` pointing at this CLI's API, so the editor and `check` agree.
 */
function scaffoldTsconfig(apiEntry: string): string {
  const config = {
    compilerOptions: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      paths: { 'streamline/pipeline': [apiEntry], streamline: [apiEntry] },
    },
    include: [PROJECT_PIPELINE_FILE],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** `streamline init`: writes ./streamline.pipeline.ts (from a template) and a tsconfig.json for it; refuses to overwrite without --force. */
export function initCommand(program: Command): void {
  program
    .command('init')
    .description(`write ${PROJECT_PIPELINE_FILE} (a commented pipeline that runs as it is) and a tsconfig.json for it`)
    .addOption(new Option('--source <kind>', 'the source of the scaffolded pipeline').choices(TEMPLATE_SOURCES).default('randomuser'))
    .option('--dir <dir>', 'where to write the files', '.')
    .option('--force', 'overwrite existing files')
    .action((flags: InitFlags) => {
      const dir = resolve(flags.dir);
      const pipelineFile = join(dir, PROJECT_PIPELINE_FILE);
      const data = TEMPLATE_DATA[flags.source];
      const files = [
        { path: pipelineFile, content: readFileSync(exampleFile(`${flags.source}.ts`), 'utf8') },
        { path: join(dir, 'tsconfig.json'), content: scaffoldTsconfig(API_ENTRY) },
        ...(data ? [{ path: join(dir, data.to), content: readFileSync(exampleFile(data.from), 'utf8') }] : []),
      ];
      const existing = files.filter((f) => existsSync(f.path)).map((f) => displayPath(f.path));
      if (existing.length && !flags.force) {
        throw new UsageError(`not overwriting ${existing.join(' and ')}`, { hint: 'pass --force to replace them, or --dir <dir> to write somewhere else' });
      }
      for (const file of files) {
        mkdirSync(dirname(file.path), { recursive: true });
        writeFileSync(file.path, file.content);
        say(`wrote ${displayPath(file.path)}`);
      }
      const pipeline = displayPath(pipelineFile);
      const at = dir === process.cwd() ? '' : ` --pipeline ${pipeline}`;
      const sourceStep = SOURCE_STEP[flags.source];
      const steps = [
        ...(sourceStep ? [sourceStep] : []),
        [`edit ${pipeline}`, 'your editor type-checks it with the tsconfig.json next to it'],
        [`npx streamline check${at}`, 'load, type-check and validate it, and see what a few records become'],
        [`npx streamline test${at}`, 'run its `tests`'],
        [`npx streamline pipeline topics${at}`, 'the Kafka topics it declares'],
        ['npx streamline up', 'Kafka, Spark Connect and MongoDB (FerretDB), in the background'],
      ];
      const width = Math.max(...steps.map(([command]) => (command as string).length));
      say('');
      say('Next steps:');
      for (const [command, why] of steps) say(`  ${(command as string).padEnd(width)}  # ${why}`);
      say(
        flags.source === 'kafka'
          ? 'A kafka() pipeline has no producer: `stream start` reads the topics others feed (the streaming side reads a pipeline file with phase 2 of #23; today it runs the built-in Random User topics).'
          : `\`npx streamline produce${at}\` sends its records to Kafka; \`stream start\` reads a pipeline's own topics with phase 2 of #23 (today it runs the built-in Random User topics).`,
      );
    });
}
