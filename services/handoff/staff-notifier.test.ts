import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTelegramStaffNotifier, formatStaffNotice, StaffNotifyError, type StaffNotice } from './staff-notifier';

/** A fake Telegram Bot API: records sendMessage calls and answers like the real one. */
async function fakeBotApi(status = 200) {
  const calls: Array<{ path: string; body: Record<string, unknown> }> = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      calls.push({ path: req.url ?? '', body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          status === 200
            ? { ok: true, result: { message_id: 1 } }
            : { ok: false, error_code: status, description: status === 429 ? 'Too Many Requests: retry after 3' : 'Bad Request: chat not found' },
        ),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { calls, root: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

const notice: StaffNotice = { kind: 'new-ticket', language: 'ru', waitingCount: 3, consoleUrl: 'https://advice.example.org/console' };

describe('staff notifications', () => {
  it('posts language, waiting count and the console link into the staff group with sendMessage', async () => {
    const api = await fakeBotApi();
    try {
      await createTelegramStaffNotifier({ token: '123:ABC', chatId: '-100200', apiRoot: api.root }).notify(notice);
      expect(api.calls).toHaveLength(1);
      expect(api.calls[0].path).toBe('/bot123:ABC/sendMessage');
      expect(api.calls[0].body.chat_id).toBe('-100200');
      expect(api.calls[0].body.text).toBe(formatStaffNotice(notice));
      expect(api.calls[0].body.text).toMatch(/Russian \(ru\)/);
      expect(api.calls[0].body.text).toMatch(/Waiting now: 3/);
      expect(api.calls[0].body.text).toContain('https://advice.example.org/console');
    } finally {
      await api.close();
    }
  });

  it('an SLA reminder says how long the person has waited', () => {
    expect(formatStaffNotice({ ...notice, kind: 'sla-reminder', waitingMinutes: 15 })).toMatch(/waited 15 min without a counsellor/);
  });

  it('a rate limit is retryable, a wrong chat is not, and no error shows the token', async () => {
    for (const [status, retryable] of [
      [429, true],
      [400, false],
    ] as const) {
      const api = await fakeBotApi(status);
      try {
        const err = await createTelegramStaffNotifier({ token: 'SECRET-TOKEN', chatId: '-1', apiRoot: api.root })
          .notify(notice)
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StaffNotifyError);
        expect((err as StaffNotifyError).retryable).toBe(retryable);
        expect((err as Error).message).not.toContain('SECRET-TOKEN');
      } finally {
        await api.close();
      }
    }
  });

  it('an unreachable Bot API is a retryable network error', async () => {
    const err = await createTelegramStaffNotifier({ token: 't', chatId: '-1', apiRoot: 'http://127.0.0.1:9', timeoutMs: 2000 })
      .notify(notice)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaffNotifyError);
    expect((err as StaffNotifyError).code).toBe('network');
    expect((err as StaffNotifyError).retryable).toBe(true);
  });
});
