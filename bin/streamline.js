#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step): tsx registers the loader for src/**/*.ts, and
// pipeline-resolve.mjs lets a pipeline file anywhere import `streamline/pipeline` (src/pipeline/load.ts).
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

register();
registerHooks('./pipeline-resolve.mjs', import.meta.url);
await import('../src/cli/main.ts');
