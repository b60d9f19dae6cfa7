/**
 * Headless Chromium against the real service: open `/`, choose Russian, ask a question, see an
 * answer with its source, press "not helpful", see the offer of a counsellor; the conversation
 * survives a reload; nothing from a message is rendered as HTML.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startTestService, type TestService } from '../helpers/service';

let t: TestService;
let browser: Browser;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  t = await startTestService('e2e-webchat');
  ({ browser, close: closeBrowser } = await launchBrowser());
}, 60_000);
afterAll(async () => {
  await closeBrowser?.();
  await t?.close();
});

async function botBubbles(page: Page) {
  return page.locator('#log li.bot');
}

it('a Russian-speaking visitor asks, reads the answer with its source, and is offered a counsellor', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${t.baseUrl}/`);
  await page.getByRole('button', { name: 'Русский' }).click();
  // Greeting and privacy notice in Russian, with a consent button.
  await page.locator('button[data-value="consent:yes"]').click({ timeout: 15_000 });
  await page.locator('#input').fill('Какая зарплата нужна для голубой карты?');
  await page.locator('#send').click();

  const answer = (await botBubbles(page)).filter({ has: page.locator('.links a[href^="https://"]') }).first();
  await answer.waitFor({ timeout: 15_000 });
  expect(await answer.innerText()).toMatch(/[А-Яа-яЁё]{4,}/);
  expect(await answer.locator('.links a').count()).toBeGreaterThan(0);

  await page.locator('button[data-value="fb:no"]').last().click({ timeout: 10_000 });
  // After "not helpful" the bot offers a way to a human counsellor (on the first or second time).
  const offer = page.locator('button[data-value^="human"]');
  try {
    await offer.first().waitFor({ timeout: 5_000 });
  } catch {
    // One "not helpful" may only suggest rephrasing; a second one must offer a counsellor.
    await page.locator('#input').fill('Голубая карта зарплата 2026');
    await page.locator('#send').click();
    await page.locator('button[data-value="fb:no"]:not([disabled])').last().click({ timeout: 15_000 });
    await offer.first().waitFor({ timeout: 10_000 });
  }
  expect(await offer.count()).toBeGreaterThan(0);

  // A reload keeps the conversation.
  const botBefore = await page.locator('#log > li.bot').count();
  const userTexts = await page.locator('#log > li.user').allInnerTexts();
  await page.reload();
  await page.locator('#log > li.user').first().waitFor({ timeout: 10_000 });
  await page.waitForFunction((n) => document.querySelectorAll('#log > li.bot').length >= n, botBefore, { timeout: 10_000 });
  expect(await page.locator('#log > li.bot').count()).toBe(botBefore);
  // Typed questions come back (button presses are not kept as text).
  expect(await page.locator('#log > li.user').allInnerTexts()).toEqual(userTexts.filter((t) => t.includes('карт')));
  await page.screenshot({ path: 'test-results/webchat-ru.png', fullPage: true }).catch(() => undefined);
  await context.close();
}, 90_000);

it('shows a message containing markup as text', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${t.baseUrl}/`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.locator('button[data-value="consent:yes"]').click({ timeout: 15_000 });
  await page.evaluate(() => ((window as unknown as { pwned: boolean }).pwned = false));
  await page.locator('#input').fill('<img src=x onerror="window.pwned=true"><script>window.pwned=true</script>');
  await page.locator('#send').click();
  await page.locator('#log li.user', { hasText: '<script>' }).waitFor({ timeout: 10_000 });
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as unknown as { pwned: boolean }).pwned)).toBe(false);
  expect(await page.locator('#log img').count()).toBe(0);
  await context.close();
}, 60_000);
