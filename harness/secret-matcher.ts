/**
 * Finds secret values in raw bytes, fast enough for tens of thousands of secrets over every message and
 * document of a run (a naive `includes` per secret would be secrets x bytes).
 *
 * Matching rules (why: a short memorable password like "tiger" is also part of unrelated words such as
 * "lazytiger12", which would be a false leak; a 32+ character hash or salt never is):
 * - secrets of MIN_SUBSTRING_LENGTH characters or more: found anywhere, also inside longer strings;
 * - shorter secrets: found as a whole run of letters/digits (delimited by anything else or the edges).
 * Bytes are read as latin1, one character per byte, so invalid UTF-8 and binary values scan like text;
 * non-ASCII secrets are compared by their UTF-8 bytes.
 */
export const MIN_SUBSTRING_LENGTH = 16;

const WORD = /[A-Za-z0-9]+/g;
const isWordChar = (code: number): boolean => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const asLatin1 = (secret: string): string => Buffer.from(secret, 'utf8').toString('latin1');

export interface SecretMatcher {
  /** The distinct secrets (as given) that occur in `bytes`. */
  find(bytes: Buffer | string): string[];
}

export function secretMatcher(secrets: readonly string[]): SecretMatcher {
  // latin1 form -> the secret as given
  const original = new Map<string, string>();
  const wholeWords = new Set<string>();
  const byPrefix = new Map<string, string[]>();
  const irregular: string[] = [];
  for (const secret of new Set(secrets)) {
    if (secret === '') continue;
    const raw = asLatin1(secret);
    original.set(raw, secret);
    const plainWord = /^[A-Za-z0-9]+$/.test(raw);
    if (!plainWord) irregular.push(raw);
    else if (raw.length < MIN_SUBSTRING_LENGTH) wholeWords.add(raw);
    else {
      const prefix = raw.slice(0, MIN_SUBSTRING_LENGTH);
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), raw]);
    }
  }

  return {
    find(bytes) {
      const text = typeof bytes === 'string' ? asLatin1(bytes) : bytes.toString('latin1');
      const found = new Set<string>();
      for (const match of text.matchAll(WORD)) {
        const word = match[0];
        if (wholeWords.has(word)) found.add(word);
        if (byPrefix.size === 0 || word.length < MIN_SUBSTRING_LENGTH) continue;
        for (let i = 0; i + MIN_SUBSTRING_LENGTH <= word.length; i++) {
          const candidates = byPrefix.get(word.slice(i, i + MIN_SUBSTRING_LENGTH));
          if (candidates) for (const c of candidates) if (word.startsWith(c, i)) found.add(c);
        }
      }
      for (const raw of irregular) if (occursIrregular(text, raw)) found.add(raw);
      return [...found].map((raw) => original.get(raw) as string);
    },
  };
}

/** A secret with punctuation: anywhere when long, else with no letter/digit glued to either end. */
function occursIrregular(text: string, raw: string): boolean {
  for (let at = text.indexOf(raw); at !== -1; at = text.indexOf(raw, at + 1)) {
    if (raw.length >= MIN_SUBSTRING_LENGTH) return true;
    const before = at === 0 ? 0 : text.charCodeAt(at - 1);
    const after = at + raw.length >= text.length ? 0 : text.charCodeAt(at + raw.length);
    if (!isWordChar(before) && !isWordChar(after)) return true;
  }
  return false;
}
