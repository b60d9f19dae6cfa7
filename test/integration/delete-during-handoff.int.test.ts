/**
 * "Delete my data" works at any time: also while the person waits for a counsellor (the bot is
 * otherwise silent then). Real PostgreSQL + Redis.
 */
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { contacts, conversations } from '../../services/db/schema';
import { startTestService, waitFor, type TestService } from '../helpers/service';
import { openSse } from '../helpers/sse';

let t: TestService;
beforeAll(async () => {
  t = await startTestService('delete-handoff', { env: { HANDOFF_OFFICE_HOURS: 'Mon-Sun 00:00-24:00', HANDOFF_STAFF_NOTIFIER: 'none' } });
});
afterAll(async () => {
  await t?.close();
});

it('deletes the data of a person waiting in the counsellor queue after their confirmation', async () => {
  const sessionId = randomBytes(12).toString('hex');
  const sse = await openSse(`${t.baseUrl}/webchat/events?sessionId=${sessionId}`);
  let n = 0;
  const post = (body: Record<string, string>) =>
    fetch(`${t.baseUrl}/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId, clientMessageId: `dh-${++n}-${randomBytes(3).toString('hex')}`, locale: 'en', ...body }),
    });
  try {
    await post({ command: 'start' });
    await post({ choice: 'consent:yes' });
    await post({ text: 'I want to talk to a human' });
    const owner = async () =>
      (
        await t.service.db
          .select({ owner: conversations.owner })
          .from(conversations)
          .innerJoin(contacts, eq(contacts.id, conversations.contactId))
          .where(and(eq(contacts.channel, 'webchat'), eq(contacts.externalId, sessionId)))
      )[0]?.owner;
    await waitFor(async () => ((await owner()) === 'queue' ? true : null));

    await post({ text: 'delete my data' });
    await sse.waitFor((e) => e.choices.some((c: { value: string }) => c.value === 'delete:yes'));
    await post({ choice: 'delete:yes' });
    await waitFor(async () => ((await owner()) === undefined ? true : null));
    expect(await t.service.db.select().from(contacts).where(eq(contacts.externalId, sessionId))).toHaveLength(0);
  } finally {
    sse.close();
  }
});
