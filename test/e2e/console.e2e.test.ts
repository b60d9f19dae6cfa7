/**
 * Headless Chromium against the real service: a counsellor logs into the console, sees a
 * web-chat conversation appear in the queue live, claims it and replies; the person sees the
 * reply in the web chat. A message containing markup is shown as text in the console.
 */
import type { Browser, Page } from 'playwright-core';
import { createStaffUser } from '../../services/console/users';
import { launchBrowser } from '../helpers/browser';
import { startTestService, type TestService } from '../helpers/service';

const PASSWORD = 'console e2e passphrase';
let t: TestService;
let browser: Browser;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  t = await startTestService('e2e-console', { env: { HANDOFF_OFFICE_HOURS: 'Mon-Sun 00:00-24:00', HANDOFF_STAFF_NOTIFIER: 'none' } });
  await createStaffUser(t.service.db, { email: 'olga@example.org', name: 'Olga', role: 'counsellor', languages: ['ru', 'en'], password: PASSWORD });
  ({ browser, close: closeBrowser } = await launchBrowser());
}, 60_000);
afterAll(async () => {
  await closeBrowser?.();
  await t?.close();
});

async function personAsksForHuman(page: Page): Promise<void> {
  await page.goto(`${t.baseUrl}/`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.locator('button[data-value="consent:yes"]').click({ timeout: 15_000 });
  await page.locator('#input').fill('I would like to talk to a human, please');
  await page.locator('#send').click();
  await page.locator('#log li.bot', { hasText: 'in the queue' }).waitFor({ timeout: 15_000 });
}

it('a counsellor logs in, sees the waiting web-chat conversation live, claims it and replies; the person sees the reply; markup stays text', async () => {
  const consoleContext = await browser.newContext();
  const consolePage = await consoleContext.newPage();
  const personContext = await browser.newContext();
  const personPage = await personContext.newPage();
  try {
    // The counsellor logs in (a wrong password first).
    await consolePage.goto(`${t.baseUrl}/console`);
    await consolePage.locator('#login-email').fill('olga@example.org');
    await consolePage.locator('#login-password').fill('wrong password here');
    await consolePage.locator('#login-submit').click();
    await consolePage.locator('#login-error', { hasText: 'wrong' }).waitFor({ timeout: 10_000 });
    await consolePage.locator('#login-password').fill(PASSWORD);
    await consolePage.locator('#login-submit').click();
    await consolePage.locator('#me', { hasText: 'Olga' }).waitFor({ timeout: 10_000 });
    await consolePage.locator('#live-status', { hasText: 'live' }).waitFor({ timeout: 10_000 });
    await consolePage.evaluate(() => ((window as unknown as { pwned: boolean }).pwned = false));

    // The person asks for a human; the ticket appears in the open console without a reload.
    await personAsksForHuman(personPage);
    const waiting = consolePage.locator('#queue li.ticket[data-status="waiting"]');
    await waiting.first().waitFor({ timeout: 10_000 });
    expect(await waiting.first().innerText()).toMatch(/en/i);
    await waiting.first().click();
    await consolePage.locator('#transcript li.user', { hasText: 'talk to a human' }).waitFor({ timeout: 10_000 });

    await consolePage.locator('#claim').click();
    await consolePage.locator('#act-box').waitFor({ state: 'visible', timeout: 10_000 });
    await personPage.locator('#log li', { hasText: 'Olga, a counsellor, has joined' }).waitFor({ timeout: 10_000 });

    // A referral from the institutions directory goes into the reply box.
    const institution = consolePage.locator('#institution option:not([value=""])').first();
    const institutionName = (await institution.innerText()).replace(/ \(.*\)$/, '');
    await consolePage.locator('#institution').selectOption({ index: 1 });
    expect(await consolePage.locator('#reply-text').inputValue()).toContain(institutionName);

    await consolePage.locator('#reply-text').fill('Hello, this is Olga from the advice team. How can I help?');
    await consolePage.locator('#reply-send').click();
    const reply = personPage.locator('#log li.counsellor', { hasText: 'this is Olga from the advice team' });
    await reply.waitFor({ timeout: 10_000 });
    await consolePage.locator('#transcript li.counsellor', { hasText: 'this is Olga' }).waitFor({ timeout: 10_000 });

    // The person writes markup; the console shows it as text, live, and runs nothing.
    await personPage.locator('#input').fill('<img src=x onerror="window.pwned=true"><script>window.pwned=true</script>');
    await personPage.locator('#send').click();
    const shown = consolePage.locator('#transcript li.user', { hasText: '<script>' });
    await shown.waitFor({ timeout: 10_000 });
    expect(await shown.innerText()).toContain('<img src=x onerror="window.pwned=true">');
    await consolePage.waitForTimeout(300);
    expect(await consolePage.evaluate(() => (window as unknown as { pwned: boolean }).pwned)).toBe(false);
    expect(await consolePage.locator('#transcript img, #transcript script').count()).toBe(0);
    await consolePage.screenshot({ path: 'test-results/console.png', fullPage: true }).catch(() => undefined);
  } finally {
    await consoleContext.close();
    await personContext.close();
  }
}, 90_000);
