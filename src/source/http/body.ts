// The one bounded body reader of every HTTP source (the Random User client and httpJson): a response is
// read as a stream and abandoned as soon as it passes the cap, so a flood costs at most the cap in memory.

/** 5,000 Random User records pretty-printed are about 9 MB; a body past this is not an answer to any page request. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** The body's text, or how many bytes had arrived when it passed the cap (then the rest is never read). */
export async function readBodyCapped(response: Response, maxBytes: number): Promise<{ text: string } | { tooLarge: number }> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return { tooLarge: declared };
  }
  if (!response.body) return { text: '' };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { tooLarge: total };
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks, total).toString('utf8') };
}
