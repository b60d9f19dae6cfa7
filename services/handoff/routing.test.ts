import { queuePosition, routeForCounsellor, sectionOf, waitingByLanguage, type RoutableTicket } from './routing';

const t = (id: string, language: string, minute: number, status: RoutableTicket['status'] = 'waiting', claimedBy: string | null = null): RoutableTicket => ({
  id,
  language,
  status,
  claimedBy,
  createdAt: new Date(Date.UTC(2026, 10, 27, 9, minute)),
});

describe('routing by language', () => {
  const tickets = [
    t('es-old', 'es', 1),
    t('ru-new', 'ru', 9),
    t('de-mid', 'de', 5),
    t('ru-old', 'ru', 2),
    t('vi-claimed-by-me', 'vi', 0, 'claimed', 'me'),
    t('en-claimed-by-colleague', 'en', 0, 'claimed', 'colleague'),
    t('ru-resolved', 'ru', 0, 'resolved', 'me'),
    t('ru-returned', 'ru', 0, 'returned'),
  ];

  it('shows a counsellor the waiting tickets in their languages first, oldest first, then the others, then claimed ones', () => {
    const routed = routeForCounsellor(tickets, { id: 'me', languages: ['ru', 'de'] });
    expect(routed.map((r) => [r.id, r.section])).toEqual([
      ['ru-old', 'my-languages'],
      ['de-mid', 'my-languages'],
      ['ru-new', 'my-languages'],
      ['es-old', 'other-languages'],
      ['vi-claimed-by-me', 'mine'],
      ['en-claimed-by-colleague', 'colleagues'],
    ]);
  });

  it('a Spanish-speaking counsellor sees the Spanish ticket first', () => {
    expect(routeForCounsellor(tickets, { id: 'x', languages: ['es'] })[0].id).toBe('es-old');
  });

  it('a counsellor without languages still sees every waiting ticket, oldest first', () => {
    expect(routeForCounsellor(tickets, { id: 'x', languages: [] }).filter((r) => r.section === 'other-languages').map((r) => r.id)).toEqual([
      'es-old',
      'ru-old',
      'de-mid',
      'ru-new',
    ]);
  });

  it('orders tickets opened in the same instant by id, so the order is stable', () => {
    const same = [t('b', 'ru', 3), t('a', 'ru', 3)];
    expect(routeForCounsellor(same, { id: 'x', languages: ['ru'] }).map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('closed tickets belong to no section', () => {
    expect(sectionOf(t('x', 'ru', 0, 'resolved'), { id: 'me', languages: ['ru'] })).toBeNull();
  });

  it('a person’s place counts only older waiting tickets in the same language', () => {
    expect(queuePosition(tickets, tickets[0])).toBe(1); // es-old
    expect(queuePosition(tickets, tickets[1])).toBe(2); // ru-new after ru-old
    expect(queuePosition(tickets, tickets[3])).toBe(1); // ru-old
  });

  it('counts the waiting tickets per language', () => {
    expect(waitingByLanguage(tickets)).toEqual({ es: 1, ru: 2, de: 1 });
  });
});
