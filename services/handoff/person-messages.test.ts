import { LOCALES } from '../../bots/engine/types';
import { createTranslator } from '../i18n/translator';
import { createStrictTranslator } from '../../test/helpers/strict-translator';
import { parseOfficeHours } from './office-hours';
import { EMERGENCY_NUMBERS, joinedText, leftText, queuedReply, returnedText, transferredText } from './person-messages';

const hours = parseOfficeHours('Mon-Fri 09:00-17:00', '2026-12-24');
const none = parseOfficeHours('', '');

describe('what the person is told about the handoff', () => {
  it.each(LOCALES)('%s: every sentence exists, with its variables filled', (locale) => {
    const t = createStrictTranslator();
    const open = queuedReply(t, locale, { position: 3, open: true, nextOpening: new Date(), hours });
    const closed = queuedReply(t, locale, { position: 1, open: false, nextOpening: new Date('2026-11-30T08:00:00Z'), hours });
    const closedNoHours = queuedReply(t, locale, { position: 1, open: false, nextOpening: null, hours: none });
    const others = [joinedText(t, locale, 'Anna'), transferredText(t, locale, 'Minh'), leftText(t, locale), returnedText(t, locale, hours), returnedText(t, locale, none)];
    expect(t.problems).toEqual([]);
    expect(open.text).toContain('3');
    expect(open.text).toContain('09:00');
    expect(closed.text).toContain('09:00');
    for (const reply of [open, closed, closedNoHours]) {
      expect(reply.text).toContain(EMERGENCY_NUMBERS.ambulance);
      expect(reply.text).toContain(EMERGENCY_NUMBERS.police);
      expect(reply.text.split('\n\n')).toHaveLength(3);
    }
    expect(others[0]).toContain('Anna');
    expect(others[1]).toContain('Minh');
    expect(new Set(others).size).toBe(others.length);
  });

  it('says honestly when nobody is on duty, and when the team is back', () => {
    const t = createTranslator();
    const closed = queuedReply(t, 'en', { position: 1, open: false, nextOpening: new Date('2026-11-30T08:00:00Z'), hours });
    expect(closed.text).toMatch(/No counsellor is available right now/);
    expect(closed.text).toMatch(/Monday/);
    const open = queuedReply(t, 'en', { position: 2, open: true, nextOpening: new Date(), hours });
    expect(open.text).toMatch(/number 2 in the queue/);
    expect(open.text).not.toMatch(/not available/);
  });

  it('uses the person’s language, not English', () => {
    const t = createTranslator();
    expect(queuedReply(t, 'ru', { position: 1, open: true, nextOpening: new Date(), hours }).text).toMatch(/очереди/);
    expect(queuedReply(t, 'vi', { position: 1, open: true, nextOpening: new Date(), hours }).text).toMatch(/hàng chờ/);
    expect(returnedText(t, 'es', hours)).toMatch(/Lo sentimos/);
  });
});
