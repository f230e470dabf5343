// docs/pipelines.md as the tests read it: its fenced blocks, and the edit its walk-through asks a newcomer
// to make to the file `init --source file` wrote (taken from the page, so the tests cannot drift from it).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';

export const page = readFileSync(resolve(import.meta.dirname, '../../docs/pipelines.md'), 'utf8');

/** The fenced blocks of the page in order, by language. */
export const blocks = (lang: string): string[] => [...page.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] as string);

/** The scaffolded file with the page's edit: the new field in the topic and in its projection. */
export function applyPageEdit(original: string): string {
  const edit = blocks('ts').find((block) => block.includes('make({ /* ... */'));
  const field = edit?.match(/fields: \{ \/\* \.\.\. \*\/ (.+) \},/)?.[1];
  const value = edit?.match(/make\(\{ \/\* \.\.\. \*\/ (.+) \}\),/)?.[1];
  expect(field).toBe('hour: integer({ minimum: 0, maximum: 23 })');
  expect(value).toBe('hour: new Date(reading.at).getUTCHours()');
  const edited = original
    .replace('import { definePipeline, file, ', 'import { definePipeline, file, integer, ')
    .replace(/( {8}site: nullable\(string\(\)\),\n)( {6}\},)/, `$1        ${field},\n$2`)
    .replace(/( {10}site: reading\.site\?\.name \?\? null,\n)/, `$1          ${value},\n`);
  expect(edited.split('\n').length).toBe(original.split('\n').length + 2);
  expect(edited).toContain('import { definePipeline, file, integer, ');
  return edited;
}

/** The first test's expected document with `hour: 10`, as the page says to add. */
export function applyPageTestFix(edited: string): string {
  expect(page).toContain('add `hour: 10` there');
  const fixed = edited.replace("fahrenheit: 68, site: 'hq' }", "fahrenheit: 68, site: 'hq', hour: 10 }");
  expect(fixed).not.toBe(edited);
  return fixed;
}
