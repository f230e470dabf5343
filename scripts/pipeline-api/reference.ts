// The reference of the public pipeline API (what a pipeline file imports from 'streamline/pipeline'),
// rendered from the exports of src/pipeline/index.ts with the TypeScript compiler API: each export's
// declaration (signatures without bodies) and its doc comment, grouped by the module it comes from.
// scripts/docs-pipeline-api.ts writes it to docs/pipeline-api.md; a unit test fails when that file is stale.
import { join, relative } from 'node:path';
import ts from 'typescript';

const ENTRY = 'src/pipeline/index.ts';

/** Section titles per module the entry re-exports from, in the entry's order. */
const SECTIONS: Record<string, string> = {
  '../model/fields.js': 'Field builders: the schema of source records and topics',
  './define.js': 'definePipeline and its parts',
  './paths.js': 'Typed paths',
  './sink.js': 'The sink: collections, write models, indexes',
  './sources.js': 'Sources',
};

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
};

interface Entry {
  name: string;
  kind: 'function' | 'const' | 'interface' | 'type';
  code: string;
  doc: string;
  file: string;
}

const withoutExport = (text: string) => text.replace(/^export\s+/, '').replace(/^declare\s+/, '');

/** The declaration as a reader needs it: a function's signatures without the body (only the overloads when there are some). */
function declarationText(symbol: ts.Symbol, checker: ts.TypeChecker): Pick<Entry, 'kind' | 'code'> | undefined {
  const declarations = symbol.declarations ?? [];
  const functions = declarations.filter(ts.isFunctionDeclaration);
  if (functions.length) {
    const overloads = functions.filter((f) => !f.body);
    const shown = overloads.length ? overloads : functions;
    return {
      kind: 'function',
      code: shown
        .map((f) => {
          const source = f.getSourceFile();
          const end = f.body ? f.body.getStart(source) : f.getEnd();
          return withoutExport(source.text.slice(f.getStart(source), end).trim().replace(/;$/, '')).concat(';');
        })
        .join('\n'),
    };
  }
  const first = declarations[0];
  if (!first) return undefined;
  const source = first.getSourceFile();
  if (ts.isVariableDeclaration(first)) {
    const type = checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, first), first, ts.TypeFormatFlags.NoTruncation);
    return { kind: 'const', code: `const ${symbol.name}: ${type};` };
  }
  if (ts.isInterfaceDeclaration(first)) return { kind: 'interface', code: withoutExport(first.getText(source)) };
  if (ts.isTypeAliasDeclaration(first)) return { kind: 'type', code: withoutExport(first.getText(source)) };
  return undefined;
}

/** Files whose unexported types a reader of the API meets in its signatures (what the last section renders). */
const REFERENCED_FROM = [/^src\/pipeline\//, /^src\/model\/fields\.ts$/];

function render(symbol: ts.Symbol, name: string, checker: ts.TypeChecker, root: string): Entry {
  const shown = declarationText(symbol, checker);
  if (!shown) throw new Error(`${ENTRY}: cannot render ${name}`);
  const declaration = symbol.declarations?.[0];
  return {
    name,
    ...shown,
    doc: ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim(),
    file: declaration ? relative(root, declaration.getSourceFile().fileName).split('\\').join('/') : '',
  };
}

/** The type names a symbol's declarations refer to, resolved. */
function referencedSymbols(symbol: ts.Symbol, checker: ts.TypeChecker): ts.Symbol[] {
  const found: ts.Symbol[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const at = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      const target = checker.getSymbolAtLocation(at);
      if (target) found.push(target.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(target) : target);
    }
    node.forEachChild(visit);
  };
  for (const declaration of symbol.declarations ?? []) {
    // A function's body is not its API.
    if (ts.isFunctionDeclaration(declaration)) {
      declaration.typeParameters?.forEach(visit);
      declaration.parameters.forEach(visit);
      if (declaration.type) visit(declaration.type);
    } else visit(declaration);
  }
  return found;
}

/** The exports of the entry, in its order, grouped by the module each comes from. */
function collect(root: string): Array<{ title: string; module: string; entries: Entry[] }> {
  const entry = join(root, ENTRY);
  const program = ts.createProgram([entry], COMPILER_OPTIONS);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`${ENTRY} not found under ${root}`);
  const groups: Array<{ title: string; module: string; entries: Entry[] }> = [];
  const exported = new Set<ts.Symbol>();
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) continue;
    const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
    const title = SECTIONS[specifier];
    if (title === undefined) throw new Error(`${ENTRY} re-exports ${specifier}, which has no section in scripts/pipeline-api/reference.ts: add one`);
    const entries: Entry[] = [];
    for (const element of statement.exportClause.elements) {
      const local = checker.getSymbolAtLocation(element.name);
      if (!local) continue;
      const symbol = local.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(local) : local;
      exported.add(symbol);
      entries.push(render(symbol, element.name.text, checker, root));
    }
    groups.push({ title, module: specifier, entries });
  }
  // The types the exports' signatures name without exporting them (definePipeline's argument, a field's
  // options...), breadth first, so a reader finds every key a definition may have.
  const seen = new Set<ts.Symbol>(exported);
  const queue = [...exported];
  const referenced: Entry[] = [];
  while (queue.length) {
    for (const target of referencedSymbols(queue.shift() as ts.Symbol, checker)) {
      const file = target.declarations?.[0] ? relative(root, target.declarations[0].getSourceFile().fileName).split('\\').join('/') : '';
      if (seen.has(target) || !REFERENCED_FROM.some((pattern) => pattern.test(file))) continue;
      seen.add(target);
      if (!declarationText(target, checker)) continue;
      queue.push(target);
      referenced.push(render(target, target.name, checker, root));
    }
  }
  groups.push({ title: 'Types the exports refer to', module: '', entries: referenced });
  return groups;
}

/** docs/pipeline-api.md, as the current sources render it. */
export function pipelineApiReference(root: string): string {
  const groups = collect(root);
  const lines = [
    '# Pipeline API reference',
    '',
    '<!-- Generated from the exports of src/pipeline/index.ts by `npm run docs:pipeline-api`; edit the doc comments in the sources, not this file. -->',
    '',
    "Everything a pipeline file imports: `import { definePipeline, ... } from 'streamline/pipeline'`. How to write one, from",
    '`streamline init` to documents in MongoDB: [pipelines.md](pipelines.md). The compiler checks a definition against',
    'these types (a projection field the schema lacks is a type error in your editor); `streamline check` runs the same',
    'check and the rules types cannot express.',
    '',
    ...groups.map((g) => `- [${g.title}](#${g.title.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')}): ${g.entries.map((e) => `\`${e.name}\``).join(', ')}`),
  ];
  for (const group of groups) {
    lines.push('', `## ${group.title}`);
    for (const entry of group.entries) {
      lines.push('', `### \`${entry.name}\``, '', `${entry.kind} · ${entry.file}`, '', '```ts', entry.code, '```');
      if (entry.doc) lines.push('', entry.doc);
    }
  }
  return `${lines.join('\n')}\n`;
}
