/**
 * Headless Chromium against the real service (knowledge base in PostgreSQL): an editor logs
 * into the console, changes the EU Blue Card salary threshold once (a fact), sees the topic
 * preview, and publishes; then people asking in the web chat — in Russian and in Vietnamese —
 * get the new figure, without a restart.
 */
import type { Browser, Page } from 'playwright-core';
import { createStaffUser } from '../../services/console/users';
import { formatFactValue } from '../../services/knowledge/facts';
import { berlinClock } from '../../services/build-service';
import { launchBrowser } from '../helpers/browser';
import { startTestService, type TestService } from '../helpers/service';

const PASSWORD = 'editor e2e passphrase';
const FACT = 'blue-card-salary-general';
const NEW_VALUE = 61234;
let t: TestService;
let browser: Browser;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  t = await startTestService('e2e-editor', { env: { KB_SOURCE: 'db', HANDOFF_STAFF_NOTIFIER: 'none' } });
  await createStaffUser(t.service.db, { email: 'erika@example.org', name: 'Erika', role: 'editor', languages: ['de', 'ru'], password: PASSWORD });
  ({ browser, close: closeBrowser } = await launchBrowser());
}, 60_000);
afterAll(async () => {
  await closeBrowser?.();
  await t?.close();
});

/** A new person (own browser context) opens the web chat, chooses a language, accepts the notice and asks; returns the answer's text. */
async function askInWebChat(languageButton: string, question: string): Promise<string> {
  const context = await browser.newContext();
  try {
    return await askOn(await context.newPage(), languageButton, question);
  } finally {
    await context.close();
  }
}

async function askOn(page: Page, languageButton: string, question: string): Promise<string> {
  await page.goto(`${t.baseUrl}/`);
  await page.getByRole('button', { name: languageButton }).click();
  await page.locator('button[data-value="consent:yes"]').click({ timeout: 15_000 });
  await page.locator('#input').fill(question);
  await page.locator('#send').click();
  const answer = page.locator('#log li.bot').filter({ has: page.locator('.links a[href^="https://"]') }).first();
  await answer.waitFor({ timeout: 15_000 });
  return answer.innerText();
}

it('an editor changes the Blue Card salary fact and publishes; the bot answers with the new figure in Russian and Vietnamese', async () => {
  const fact = (t.service.kb as unknown as { snapshot: { facts: Record<string, Parameters<typeof formatFactValue>[0]> } }).snapshot.facts[FACT];
  const expected = { ru: formatFactValue(fact, NEW_VALUE, 'ru'), vi: formatFactValue(fact, NEW_VALUE, 'vi') };
  const editorContext = await browser.newContext();
  try {
    const page = await editorContext.newPage();
    await page.goto(`${t.baseUrl}/console`);
    await page.locator('#login-email').fill('erika@example.org');
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('#login-submit').click();
    await page.locator('#editor-nav').waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator('#topics-table tr[data-topic="eu-blue-card"]').waitFor({ timeout: 10_000 });

    // Facts page: one value for every language.
    await page.getByRole('link', { name: 'Facts' }).click();
    const row = page.locator(`#facts-table tr[data-fact="${FACT}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.locator('.fact-value').fill(String(NEW_VALUE));
    await row.locator('.fact-save').click();
    await page.locator('#editor-message', { hasText: 'Saved to draft' }).waitFor({ timeout: 10_000 });
    await page.locator('#draft-status', { hasText: 'Pending changes' }).waitFor({ timeout: 10_000 });

    // Still a draft: the bot answers with the old figure.
    expect(await askInWebChat('Русский', 'Какая зарплата нужна для голубой карты ЕС?')).not.toContain(expected.ru);

    // The topic's preview (Telegram and WhatsApp) already shows the draft's figure.
    await page.goto(`${t.baseUrl}/console#/editor/topic/eu-blue-card/vi`);
    await page.locator('#preview-telegram .bubble', { hasText: expected.vi }).first().waitFor({ timeout: 10_000 });
    await page.locator('#preview-whatsapp .bubble', { hasText: expected.vi }).first().waitFor({ timeout: 10_000 });

    await page.locator('#publish').click();
    await page.locator('#editor-message', { hasText: 'Published version' }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: 'test-results/editor.png', fullPage: true }).catch(() => undefined);

    const ru = await askInWebChat('Русский', 'Какая зарплата нужна для голубой карты ЕС?');
    expect(ru).toContain(expected.ru);
    const vi = await askInWebChat('Tiếng Việt', 'Thẻ xanh EU cần mức lương tối thiểu bao nhiêu?');
    expect(vi).toContain(expected.vi);
    expect(t.service.kb.answer('eu-blue-card', 'de', { region: null, today: berlinClock.today() })!.text).toContain(formatFactValue(fact, NEW_VALUE, 'de'));
  } finally {
    await editorContext.close();
  }
}, 90_000);
