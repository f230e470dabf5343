import { redactText } from '../config/index.js';
import { maskEmail, maskKeepingShape } from '../model/pii.js';
import type { DashboardSnapshot, DeadLetterView, LatestView } from './views.js';

/**
 * What the page may show of the stored data. The latest documents carry names, addresses, birth dates
 * and (under the producer's default `keep` policy) emails and phones: anyone who can read the page would
 * read them. Unless the operator opts in (dashboard.showPii), every value except the pipeline's own
 * metadata is masked keeping its shape, so the page still shows what a record looks like.
 */
const METADATA_KEYS = new Set(['_id', 'kafka', 'ingested_at', 'produced_at', 'fetched_at', 'schema_version', 'source', 'gender', 'nat']);
/** What the page shows of a dead letter's raw value (the collector keeps more, so a record parses whole). */
const PREVIEW_CHARS = 160;

const EMAIL = /^[^@\s]+@[^@\s]+$/;

function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return EMAIL.test(value) ? maskEmail(value) : maskKeepingShape(value);
  if (typeof value === 'number' || typeof value === 'bigint') return maskKeepingShape(String(value));
  if (Array.isArray(value)) return value.map(maskValue);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v)]));
  }
  return value;
}

/** A stored document with everything but the pipeline's metadata masked. */
export function maskDocument(document: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(document).map(([k, v]) => [k, METADATA_KEYS.has(k) ? v : maskValue(v)]));
}

/** A raw value (JSON or not): JSON keys stay readable, every value is masked. */
export function maskRawPreview(preview: string): string {
  if (preview.startsWith('(base64) ')) return '(base64, hidden: dashboard.showPii is off)';
  try {
    return JSON.stringify(maskValue(JSON.parse(preview))).slice(0, PREVIEW_CHARS);
  } catch {
    return maskKeepingShape(preview.slice(0, PREVIEW_CHARS));
  }
}

const maskDeadLetter = (d: DeadLetterView): DeadLetterView => (d.preview === undefined ? d : { ...d, preview: maskRawPreview(d.preview) });

function maskLatest(latest: LatestView): LatestView {
  return {
    ...latest,
    documents: latest.documents.map((d) => (d.document ? { ...d, document: maskDocument(d.document) } : d)),
    deadLetters: latest.deadLetters.map(maskDeadLetter),
  };
}

/** Cuts a preview that was kept long for masking down to what the page shows. */
const cutPreview = (d: DeadLetterView): DeadLetterView => (d.preview === undefined || d.preview.length <= PREVIEW_CHARS ? d : { ...d, preview: d.preview.slice(0, PREVIEW_CHARS) });

/** The snapshot as the page and /api/snapshot show it: masked unless showPii. */
export function snapshotForDisplay(snapshot: DashboardSnapshot, showPii: boolean): DashboardSnapshot {
  const latest = snapshot.latest.value;
  if (!latest) return snapshot;
  const value = showPii ? { ...latest, deadLetters: latest.deadLetters.map(cutPreview) } : maskLatest(latest);
  return { ...snapshot, latest: { ...snapshot.latest, value } };
}

/**
 * JSON with every string value redacted (credential patterns and the known secret values). Value by value,
 * not the serialised text: the patterns span any run of non-blank characters, and compact JSON has none.
 */
export const redactedJson = (value: unknown, secrets: readonly string[]): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? redactText(v, secrets) : v));
