import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { displayPath, PROJECT_PIPELINE_FILE } from '../../pipeline/load.js';
import { say } from '../context.js';

/** The sources `init` has a template for: examples/init/<source>.ts (compiled by the repository's tsc). Phase 2 of #23 adds http, file and kafka. */
const TEMPLATE_SOURCES = ['randomuser'] as const;
type TemplateSource = (typeof TEMPLATE_SOURCES)[number];

const templateFile = (source: TemplateSource) => fileURLToPath(new URL(`../../../examples/init/${source}.ts`, import.meta.url));
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
      const files = [
        { path: pipelineFile, content: readFileSync(templateFile(flags.source), 'utf8') },
        { path: join(dir, 'tsconfig.json'), content: scaffoldTsconfig(API_ENTRY) },
      ];
      const existing = files.filter((f) => existsSync(f.path)).map((f) => displayPath(f.path));
      if (existing.length && !flags.force) {
        throw new UsageError(`not overwriting ${existing.join(' and ')}`, { hint: 'pass --force to replace them, or --dir <dir> to write somewhere else' });
      }
      mkdirSync(dir, { recursive: true });
      for (const file of files) {
        writeFileSync(file.path, file.content);
        say(`wrote ${displayPath(file.path)}`);
      }
      const pipeline = displayPath(pipelineFile);
      const at = dir === process.cwd() ? '' : ` --pipeline ${pipeline}`;
      const steps = [
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
      say('Running it with `stream start` and `produce` comes with phase 2 of #23: today they run the built-in Random User topics.');
    });
}
