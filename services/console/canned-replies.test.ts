import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { LOCALES } from '../../bots/engine/types';
import { cannedRepliesFor, CannedRepliesError, loadCannedReplies } from './canned-replies';
import { referralText } from './routes';

describe('canned replies', () => {
  const replies = loadCannedReplies(path.resolve(__dirname, '../../config/canned-replies.yaml'));

  it.each(LOCALES)('the shipped file has every reply in %s', (locale) => {
    const list = cannedRepliesFor(replies, locale);
    expect(list.length).toBeGreaterThanOrEqual(3);
    for (const r of list) expect(r.text.trim().length).toBeGreaterThan(10);
  });

  it('a reply missing a language stops start-up with the file and field named', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'canned-'));
    const file = path.join(dir, 'c.yaml');
    writeFileSync(file, 'replies:\n  - id: hello\n    title: Hello\n    text: { en: Hello }\n');
    expect(() => loadCannedReplies(file)).toThrow(CannedRepliesError);
    expect(() => loadCannedReplies(file)).toThrow(/replies\.0\.text\.ru/);
    expect(() => loadCannedReplies(path.join(dir, 'missing.yaml'))).toThrow(/HANDOFF_CANNED_REPLIES/);
  });
});

describe('referral to an institution', () => {
  it('inserts name, city, what they help with (in the person’s language) and the URL', () => {
    const text = referralText(
      { id: 'x', name: 'Welcome Center', city: 'Rostock', region: 'mv', url: 'https://example.org/wc', helps_with: { en: 'arrival', ru: 'переезд' } },
      'ru',
    );
    expect(text).toBe('Welcome Center (Rostock) — переезд\nhttps://example.org/wc');
    expect(referralText({ id: 'y', name: 'IQ', region: 'nationwide', helps_with: { en: 'recognition' } }, 'vi')).toBe('IQ — recognition');
  });
});
