// A Node resolve hook (module.register, from bin/streamline.js) for pipeline files (src/pipeline/load.ts):
// - `streamline/pipeline` and `streamline` resolve to this CLI's src/pipeline/index.ts, so a pipeline file
//   outside the repository (no node_modules/streamline there) imports the API, and the very module instance
//   the CLI checks its definitions with;
// - a `.ts` file outside node_modules is an ES module even where no package.json says "type": "module"
//   (a pipeline in a temp dir or a fresh project): pipeline files are written with `import`/`export`.
const API = new URL('../src/pipeline/index.ts', import.meta.url).href;
const SPECIFIERS = new Set(['streamline', 'streamline/pipeline']);

export async function resolve(specifier, context, nextResolve) {
  if (SPECIFIERS.has(specifier)) return { url: API, format: 'module', shortCircuit: true };
  const resolved = await nextResolve(specifier, context);
  const forceModule = resolved.url.startsWith('file:') && /\.ts$/.test(new URL(resolved.url).pathname) && !resolved.url.includes('/node_modules/');
  return forceModule && resolved.format !== 'module' ? { ...resolved, format: 'module' } : resolved;
}
