/**
 * Splitting long text for channels whose messages have a length limit (Telegram 4096,
 * WhatsApp 4096 for text and 1024 for the body of a message with buttons). Shared by the
 * channels (a channel never imports another channel): it depends on nothing.
 */

const SPLITTERS: ReadonlyArray<{ split: RegExp; join: string }> = [
  { split: /\n{2,}/, join: '\n\n' },
  { split: /\n/, join: '\n' },
  { split: /(?<=[.!?…。])\s+/u, join: ' ' },
  { split: /\s+/, join: ' ' },
];

/**
 * Splits `text` into pieces whose `size` is at most `max`, preferring paragraph boundaries,
 * then line breaks, sentence ends, spaces, and as a last resort anywhere but inside a character.
 * @param size measures a piece (the escaped HTML length for Telegram; characters by default)
 * @example splitText('a\n\nb', 1) // ['a', 'b']
 */
export function splitText(text: string, max: number, size: (piece: string) => number = (s) => s.length, level = 0): string[] {
  if (size(text) <= max) return [text];
  for (let i = level; i < SPLITTERS.length; i += 1) {
    const { split, join } = SPLITTERS[i];
    const pieces = text.split(split).filter((p) => p.trim() !== '');
    if (pieces.length < 2) continue;
    const out: string[] = [];
    let current = '';
    for (const piece of pieces) {
      const candidate = current === '' ? piece : current + join + piece;
      if (size(candidate) <= max) {
        current = candidate;
        continue;
      }
      if (current !== '') out.push(current);
      if (size(piece) <= max) {
        current = piece;
      } else {
        const sub = splitText(piece, max, size, i + 1);
        out.push(...sub.slice(0, -1));
        current = sub[sub.length - 1] ?? '';
      }
    }
    if (current !== '') out.push(current);
    return out;
  }
  return hardCut(text, max, size);
}

/** Cuts between characters (never inside a surrogate pair). */
function hardCut(text: string, max: number, size: (piece: string) => number): string[] {
  const out: string[] = [];
  let current = '';
  for (const ch of text) {
    if (current !== '' && size(current + ch) > max) {
      out.push(current);
      current = '';
    }
    current += ch;
  }
  if (current !== '') out.push(current);
  return out;
}
