import { isAbsolute, relative } from 'node:path';
import { z } from 'zod';
import { defaultConfig, envLayer, toEnvName } from './load.js';
import { configSchema } from './schema.js';

/** The part of a JSON Schema (as zod writes it) that the reference shows. */
interface JsonSchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
}

interface Entry {
  path: string[];
  schema: JsonSchemaNode;
  optional: boolean;
}

interface Section {
  path: string[];
  description: string | undefined;
  entries: Entry[];
}

const code = (text: string) => `\`${text}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** zod's bound for "no bound" (Number.MAX_SAFE_INTEGER) says nothing to a reader. */
const bounded = (n: number | undefined): n is number => n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;

function typeOf(schema: JsonSchemaNode): string {
  if (schema.enum) return schema.enum.map((v) => code(String(v))).join(' or ');
  if (schema.type === 'array') {
    const least = schema.minItems ? `, at least ${schema.minItems}` : '';
    return `list of ${typeOf(schema.items ?? {})}${least} (env: comma-separated)`;
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    const low = bounded(schema.exclusiveMinimum) ? `> ${schema.exclusiveMinimum}` : bounded(schema.minimum) ? `${schema.minimum}` : undefined;
    const range =
      low !== undefined && bounded(schema.maximum) && !low.startsWith('>')
        ? ` ${low}..${schema.maximum}`
        : [low && (low.startsWith('>') ? ` ${low}` : ` ≥ ${low}`), bounded(schema.maximum) ? ` ≤ ${schema.maximum}` : ''].filter(Boolean).join(',');
    return `${schema.type}${range}`;
  }
  if (schema.type === 'string' && schema.format === 'uri') return 'URL';
  if (schema.type === 'string' && schema.pattern) return `string matching ${code(schema.pattern)}`;
  return schema.type ?? 'any';
}

function showDefault(value: unknown, cwd: string): string {
  if (value === undefined) return 'unset';
  if (typeof value === 'string' && isAbsolute(value)) return code(relative(cwd, value));
  if (Array.isArray(value)) return value.length ? code(value.join(',')) : 'empty';
  return code(String(value));
}

function sectionsOf(schema: JsonSchemaNode, path: string[] = [], description?: string): Section[] {
  const entries: Entry[] = [];
  const nested: Section[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const here = [...path, key];
    if (child.type === 'object') nested.push(...sectionsOf(child, here, child.description));
    else entries.push({ path: here, schema: child, optional: !(schema.required ?? []).includes(key) });
  }
  return [...(entries.length ? [{ path, description, entries }] : []), ...nested];
}

function valueAt(tree: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), tree);
}

/**
 * docs/configuration-reference.md: every key of the schema with its type, default, environment variable and
 * description. Throws when a key has no description, so a new key cannot land undocumented.
 */
export function configurationReference(cwd = process.cwd()): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  const defaults = defaultConfig(cwd);
  const sections = sectionsOf(schema);
  const leaves = sections.flatMap((s) => s.entries);
  const undocumented = leaves.filter((e) => !e.schema.description).map((e) => e.path.join('.'));
  if (undocumented.length) throw new Error(`configuration keys without a .describe() in src/config/schema.ts: ${undocumented.join(', ')}`);
  // Which keys the environment can set is what envLayer reads, asked rather than restated.
  const fromEnv = envLayer(Object.fromEntries(leaves.map((e) => [toEnvName(e.path), 'x'])), defaults);
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config/schema.ts by `npm run docs:config`; edit the schema, not this file. -->',
    '',
    'One typed configuration object (`src/config`), built from defaults < `streamline.config.json` (or',
    '`--config`) < environment (`STREAMLINE_<KEY>`) < CLI flags, and validated once; an error names the key, its',
    'environment variable and the value. `--print-config` prints the effective configuration. Cluster mode',
    '(`cluster.enabled`) derives some defaults of its own ([cluster.md](cluster.md)). How to use it:',
    '[configuration.md](configuration.md).',
  ];
  for (const section of sections) {
    const title = section.path.length ? code(section.path.join('.')) : 'Top level';
    lines.push('', `## ${title}`, '');
    if (section.description) lines.push(section.description, '');
    lines.push('| key | type | default | environment | description |', '|---|---|---|---|---|');
    for (const entry of section.entries) {
      const env = valueAt(fromEnv, entry.path) === undefined ? '(file or flag only)' : code(toEnvName(entry.path));
      const row = [code(entry.path.join('.')), typeOf(entry.schema), showDefault(valueAt(defaults, entry.path), cwd), env, entry.schema.description ?? ''];
      lines.push(`| ${row.map(cell).join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
