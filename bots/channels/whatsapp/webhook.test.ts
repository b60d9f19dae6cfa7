/**
 * The Cloud API webhook: the verification handshake, X-Hub-Signature-256, and reading a
 * payload with several messages and statuses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readWhatsAppWebhook, signatureMatches, signBody, verifySubscription } from './webhook';

const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(__dirname, '../../../test/fixtures/whatsapp', `${name}.json`), 'utf8'));

describe('verifySubscription', () => {
  const query = (mode: string, token: string, challenge = '1158201444') => ({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge });
  it('answers the challenge when the token is one of the configured ones', () => {
    expect(verifySubscription(query('subscribe', 'tok-2'), ['tok-1', 'tok-2'])).toBe('1158201444');
  });
  it.each<[string, Record<string, unknown>]>([
    ['a wrong token', query('subscribe', 'nope')],
    ['another mode', query('unsubscribe', 'tok-1')],
    ['no challenge', query('subscribe', 'tok-1', '')],
    ['no token', { 'hub.mode': 'subscribe', 'hub.challenge': '1' }],
  ])('refuses %s', (_name, q) => {
    expect(verifySubscription(q, ['tok-1'])).toBeNull();
  });
  it('an empty configured token matches nothing', () => {
    expect(verifySubscription(query('subscribe', ''), [''])).toBeNull();
  });
});

describe('signatureMatches', () => {
  const body = Buffer.from(JSON.stringify(fixture('text')));
  it('accepts the HMAC-SHA256 of the exact bytes with the app secret', () => {
    expect(signatureMatches(body, signBody(body, 'app-secret'), 'app-secret')).toBe(true);
    expect(signatureMatches(body, signBody(body, 'app-secret').toUpperCase().replace('SHA256=', 'sha256='), 'app-secret')).toBe(true);
  });
  it.each<[string, unknown]>([
    ['another secret', signBody(body, 'other-secret')],
    ['another body', signBody(Buffer.concat([body, Buffer.from(' ')]), 'app-secret')],
    ['no header', undefined],
    ['a sha1 header', 'sha1=0123'],
    ['garbage', 'sha256=zz'],
  ])('refuses %s', (_name, header) => {
    expect(signatureMatches(body, header, 'app-secret')).toBe(false);
  });
});

describe('readWhatsAppWebhook', () => {
  it('reads messages and statuses of one number; drops the profile name and the recipient’s number', () => {
    const [batch, ...more] = readWhatsAppWebhook(fixture('batch'));
    expect(more).toHaveLength(0);
    expect(batch.phoneNumberId).toBe('106540352242922');
    expect(batch.messages.map((m) => m.text?.body)).toEqual(['Hola', '2']);
    expect(batch.statuses).toEqual([{ platformMessageId: expect.stringMatching(/^wamid\./), status: 'sent', at: new Date(1750263770 * 1000).toISOString() }]);
    expect(JSON.stringify(batch)).not.toContain('Sheena');
  });

  it.each<[string, Record<string, unknown>]>([
    ['delivered', { status: 'delivered' }],
    ['read', { status: 'read' }],
    ['failed', { status: 'failed', errorCode: 131047 }],
  ])('a %s receipt', (name, expected) => {
    const [batch] = readWhatsAppWebhook(fixture(`status-${name}`));
    expect(batch.messages).toHaveLength(0);
    expect(batch.statuses).toEqual([expect.objectContaining(expected)]);
  });

  it('groups by business number and skips malformed entries', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            { field: 'messages', value: { metadata: { phone_number_id: '111' }, messages: [{ from: '49', id: 'wamid.a', timestamp: '1', type: 'text', text: { body: 'a' } }, { id: 'no-sender' }] } },
            { field: 'account_update', value: { metadata: { phone_number_id: '111' } } },
            { field: 'messages', value: { metadata: { phone_number_id: 222 }, statuses: [{ id: 'wamid.s', status: 'deleted' }] } },
          ],
        },
      ],
    };
    const batches = readWhatsAppWebhook(body);
    expect(batches.map((b) => [b.phoneNumberId, b.messages.length, b.statuses.map((s) => s.status)])).toEqual([
      ['111', 1, []],
      ['222', 0, ['other']],
    ]);
  });

  it.each<[string, unknown]>([
    ['another object', { object: 'page', entry: [] }],
    ['null', null],
    ['no entries', { object: 'whatsapp_business_account' }],
  ])('%s gives no batches', (_name, body) => {
    expect(readWhatsAppWebhook(body)).toEqual([]);
  });
});
