import { handoffJobId, pendingTimers } from './jobs';

const base = {
  id: '00000000-0000-0000-0000-000000000001',
  status: 'waiting' as const,
  notifyDueAt: new Date('2026-11-27T10:00:00Z'),
  slaDueAt: new Date('2026-11-27T10:15:00Z'),
  returnDueAt: new Date('2026-11-27T12:00:00Z'),
  staffNotifiedAt: null,
  slaAlertedAt: null,
};

describe('handoff timers', () => {
  it('a new waiting ticket needs all three timers', () => {
    expect(pendingTimers(base).map((t) => t.name)).toEqual(['notify-staff', 'sla-reminder', 'return-to-bot']);
  });
  it('timers that already fired are not scheduled again', () => {
    expect(pendingTimers({ ...base, staffNotifiedAt: new Date(), slaAlertedAt: new Date() }).map((t) => t.name)).toEqual(['return-to-bot']);
  });
  it('claimed or closed tickets need no timers', () => {
    for (const status of ['claimed', 'resolved', 'returned'] as const) expect(pendingTimers({ ...base, status })).toEqual([]);
  });
  it('job ids are one per timer and ticket', () => {
    expect(handoffJobId('sla-reminder', base.id)).toBe(`sla-reminder|${base.id}`);
  });
});
