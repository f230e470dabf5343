import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const docs = join(root, 'docs');
const markdownFiles = ['README.md', ...readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

/** The relative targets of the Markdown links in `file` (repository-relative), without their #anchors. */
function linkedFiles(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] as string)
    .filter((target) => !/^[a-z]+:/.test(target) && !target.startsWith('#'))
    .map((target) => resolve(root, dirname(file), target.split('#')[0] as string));
}

describe('the README and docs/', () => {
  it('keeps the README under 12 KB: a newcomer reads it in five minutes', () => {
    expect(statSync(join(root, 'README.md')).size).toBeLessThan(12 * 1024);
  });

  it('links every docs/*.md from the README or from docs/index.md, which the README links', () => {
    const fromReadme = linkedFiles('README.md');
    expect(fromReadme).toContain(join(docs, 'index.md'));
    const linked = new Set([...fromReadme, ...linkedFiles('docs/index.md')]);
    const unlinked = readdirSync(docs).filter((f) => f.endsWith('.md') && f !== 'index.md' && !linked.has(join(docs, f)));
    expect(unlinked).toEqual([]);
  });

  it('has no relative link to a file that does not exist', () => {
    const broken = markdownFiles.flatMap((file) => linkedFiles(file).filter((target) => !existsSync(target)).map((target) => `${file} -> ${target}`));
    expect(broken).toEqual([]);
  });
});
