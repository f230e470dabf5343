// Pure formatting of results: the one line per scenario, and RELIABILITY.md's table, which a run
// updates row by row (scenarios not run keep their last committed row).
import type { ScenarioResult } from './engine.js';

const seconds = (ms: number | null): string => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);

export function resultLine(r: ScenarioResult): string {
  const verdict = r.ok ? 'PASS' : 'FAIL';
  const extra = [
    r.producerDuplicates ? `producer re-sends absorbed ${r.producerDuplicates}` : '',
    r.tolerated ? `tolerated ${r.tolerated}` : '',
    r.contentChecked || r.contentMismatches ? `content checked ${r.contentChecked}, mismatched ${r.contentMismatches}${r.samples.content?.length ? ` (${r.samples.content.join(', ')})` : ''}` : '',
    r.partialUsers ? `users acknowledged on some topics only ${r.partialUsers}` : '',
    r.deadLetters.expected ? `dead letters ${r.deadLetters.found}/${r.deadLetters.expected}` : '',
    ...r.failedChecks.map((c) => `check failed: ${c}`),
    r.error ? `error: ${r.error.split('\n')[0]}` : '',
  ].filter(Boolean);
  return `${verdict} ${r.id} ${r.name}: produced ${r.produced} (${r.users} users) lost ${r.lost} duplicated ${r.duplicated} unexpected ${r.unexpected} recovery ${seconds(r.recoveryMs)} in ${seconds(r.durationMs)} seed ${r.seed}${extra.length ? ` | ${extra.join('; ')}` : ''}`;
}

export interface RunInfo {
  commit: string;
  date: string;
}

const ROWS_BEGIN = '<!-- rows:begin -->';
const ROWS_END = '<!-- rows:end -->';
const NOTES_BEGIN = '<!-- notes:begin -->';
const NOTES_END = '<!-- notes:end -->';
const HEADER = '| scenario | result | records produced | lost | duplicated | unexpected | producer re-sends (absorbed) | recovery time | commit | date |\n|---|---|---|---|---|---|---|---|---|---|';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function tableRow(r: ScenarioResult, info: RunInfo): string {
  const result = r.ok ? 'pass' : r.error ? 'error' : 'FAIL';
  return `| ${r.id}. ${cell(r.name)} | ${result} | ${r.produced} | ${r.lost} | ${r.duplicated} | ${r.unexpected} | ${r.producerDuplicates} | ${seconds(r.recoveryMs)} | ${info.commit} | ${info.date} |`;
}

export function noteLine(r: ScenarioResult): string | undefined {
  const parts = [r.explanation, ...r.failedChecks.map((c) => `Check failed: ${c}.`), r.error ? `Error: ${r.error.split('\n')[0]}` : undefined].filter(Boolean);
  const measured = Object.entries(r.measurements).map(([k, v]) => `${k} ${v}`);
  if (measured.length) parts.push(`Measured: ${measured.join(', ')}.`);
  return parts.length ? `- **${r.id}**: ${cell(parts.join(' '))}` : undefined;
}

const idOf = (line: string): string | undefined => /^\| ([^ .]+)\. /.exec(line)?.[1] ?? /^- \*\*([^*]+)\*\*/.exec(line)?.[1];

function between(text: string, begin: string, end: string): string[] {
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return [];
  return text.slice(i + begin.length, j).split('\n').filter((l) => l.trim() !== '');
}

const byId = (a: string, b: string): number => {
  const [x, y] = [idOf(a) ?? '', idOf(b) ?? ''];
  const [nx, ny] = [Number(x), Number(y)];
  if (Number.isFinite(nx) && Number.isFinite(ny)) return nx - ny;
  return Number.isFinite(nx) ? -1 : Number.isFinite(ny) ? 1 : x.localeCompare(y);
};

/** Merges lines by scenario id: a fresh line replaces the previous one of the same scenario. */
function merge(previous: string[], fresh: string[]): string[] {
  const ids = new Set(fresh.map(idOf));
  return [...previous.filter((l) => idOf(l) !== undefined && !ids.has(idOf(l))), ...fresh].sort(byId);
}

/** RELIABILITY.md after this run: the intro (kept if present), the table and notes merged by scenario id. */
export function reliabilityMarkdown(previous: string | undefined, results: ScenarioResult[], info: RunInfo, intro: string): string {
  const rows = merge(previous ? between(previous, ROWS_BEGIN, ROWS_END).filter((l) => l.startsWith('| ') && idOf(l)) : [], results.map((r) => tableRow(r, info)));
  const notes = merge(previous ? between(previous, NOTES_BEGIN, NOTES_END) : [], results.map(noteLine).filter((l): l is string => l !== undefined));
  const freshIds = new Set(results.map((r) => r.id));
  // A scenario run again without a note must lose its old note.
  const keptNotes = notes.filter((l) => !freshIds.has(idOf(l) ?? '') || results.some((r) => r.id === idOf(l) && noteLine(r) === l));
  return `${intro.trim()}\n\n${ROWS_BEGIN}\n${HEADER}\n${rows.join('\n')}\n${ROWS_END}\n\n## Notes per scenario\n\n${NOTES_BEGIN}\n${keptNotes.join('\n')}\n${NOTES_END}\n`;
}
