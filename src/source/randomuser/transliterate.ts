/** Serbian Latin -> Cyrillic (Vuk's alphabet maps one to one; digraphs first). */
const SERBIAN_DIGRAPHS: Record<string, string> = { lj: 'љ', nj: 'њ', dž: 'џ' };
const SERBIAN_LETTERS: Record<string, string> = {
  a: 'а', b: 'б', c: 'ц', č: 'ч', ć: 'ћ', d: 'д', đ: 'ђ', e: 'е', f: 'ф', g: 'г', h: 'х', i: 'и', j: 'ј',
  k: 'к', l: 'л', m: 'м', n: 'н', o: 'о', p: 'п', r: 'р', s: 'с', š: 'ш', t: 'т', u: 'у', v: 'в', z: 'з', ž: 'ж',
};

const matchCase = (source: string, target: string): string =>
  source[0] !== undefined && source[0] !== source[0].toLowerCase() ? target.toUpperCase() : target;

export function serbianLatinToCyrillic(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const pair = text.slice(i, i + 2);
    const digraph = SERBIAN_DIGRAPHS[pair.toLowerCase()];
    if (digraph) {
      out += matchCase(pair, digraph);
      i += 2;
      continue;
    }
    const char = text[i] as string;
    const letter = SERBIAN_LETTERS[char.toLowerCase()];
    out += letter ? matchCase(char, letter) : char;
    i += 1;
  }
  return out;
}

/** Ukrainian/Russian/Serbian Cyrillic -> ASCII, for e-mail addresses (the API writes them in Latin). */
const TO_LATIN: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'ye', ж: 'zh', з: 'z', и: 'y', і: 'i', ї: 'yi',
  й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh',
  ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ь: '', ю: 'yu', я: 'ya', ъ: '', ы: 'y', э: 'e', ё: 'yo',
  ђ: 'dj', ј: 'j', љ: 'lj', њ: 'nj', ћ: 'c', џ: 'dz', ʼ: '', "'": '',
  // Latin letters that Unicode decomposition does not reduce to ASCII.
  đ: 'dj', ı: 'i', ł: 'l',
};

/** Best-effort ASCII for e-mail local parts; returns undefined when the script is not one we can spell. */
export function toAscii(text: string): string | undefined {
  const spelled = [...text.toLowerCase()].map((char) => TO_LATIN[char] ?? char).join('');
  const folded = spelled.normalize('NFD').replace(/\p{M}/gu, '').replace(/[ß]/g, 'ss').replace(/[øØ]/g, 'o').replace(/[æÆ]/g, 'ae');
  const compact = folded.replace(/[\s'’-]+/g, '');
  return /^[a-z0-9.]+$/.test(compact) ? compact : undefined;
}
