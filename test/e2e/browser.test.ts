import { copyFileSync, existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  CHROMIUM_PATH,
  HAS_BROWSER,
  launchWithExample,
  onAppPage as onExamplePage,
  onConsentPage,
  openPage,
  README_SCREENSHOTS,
  REQUIRE_BROWSER,
  resultPath,
  serverInternals,
} from './support';
import type { RunningExample } from '../../example-app/server';
import { BUTTON_THEMES } from '../../lib/button';
import { DEMO_CLIENT } from '../../lib/emulator';

// Without Chromium the suite skips (saying why) unless REQUIRE_BROWSER=1, where launching fails with the fix.
const SKIP_REASON = `SKIPPED: ${CHROMIUM_PATH} not found — apt-get install -y chromium, or set REQUIRE_BROWSER=1 to make this a failure`;
const runInBrowser = HAS_BROWSER || REQUIRE_BROWSER;
if (!runInBrowser) console.warn(`Real-browser e2e tests ${SKIP_REASON}`);
const describeBrowser = runInBrowser ? describe : describe.skip;

function hexToRgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

describeBrowser(`example app in Chromium (${runInBrowser ? CHROMIUM_PATH : SKIP_REASON})`, () => {
  let browser: Browser;
  let example: RunningExample;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    ({ browser, example } = await launchWithExample('browser-e2e-secret'));
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), example?.close()]);
  });

  beforeEach(async () => {
    ({ context, page, consoleErrors } = await openPage(browser));
  });
  afterEach(async () => {
    await context?.close();
  });

  const onAppPage = (path: string) => onExamplePage(example.url, path);

  async function openConsentPage(): Promise<void> {
    await page.goto(`${example.url}/`);
    await page.click('a.mi-account-btn');
    await page.waitForURL(onConsentPage);
  }

  async function signInAs(nickname: string): Promise<void> {
    await openConsentPage();
    await page.getByLabel(nickname).check();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(onAppPage('/profile'));
  }

  it('signs in: home → button → consent page → pick a user → Approve → profile shows that user', async () => {
    await page.goto(`${example.url}/`);
    const button = page.locator('a.mi-account-btn');
    await expect(button.textContent()).resolves.toBe('Sign in with Mi Account');
    // The nonce-carrying <style> applied under the app's CSP: the button has its theme colour.
    await expect(button.evaluate((el) => getComputedStyle(el).backgroundColor)).resolves.toBe(
      hexToRgb(BUTTON_THEMES.orange.background),
    );
    await page.screenshot({ path: resultPath('home.png'), fullPage: true });
    updateReadmeScreenshot(resultPath('home.png'), README_SCREENSHOTS.home);

    await button.click();
    await page.waitForURL(onConsentPage);
    expect(new URL(page.url()).origin).toBe(example.emulator!.url);
    // The demo app by its display name, as Mi shows an app (never its raw App ID).
    await expect(page.locator('h1').textContent()).resolves.toContain(`Allow ${DEMO_CLIENT.name.en} to access`);
    await page.screenshot({ path: resultPath('consent.png'), fullPage: true });
    await page.getByLabel('Alex Morgan').check();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(onAppPage('/profile'));

    await expect(page.locator('#nickname').textContent()).resolves.toBe('Alex Morgan');
    await expect(page.locator('#open-id').textContent()).resolves.toMatch(/^2\.0\S{10,}$/);
    await expect(page.locator('#union-id').textContent()).resolves.toMatch(/\S{6,}/);
    await expect(page.locator('#email').textContent()).resolves.toBe('alex.morgan@example.com');
    await expect(page.locator('#phone').textContent()).resolves.toBe('+1 202 555 0143');
    await expect(page.locator('#scopes li').allTextContents()).resolves.toEqual([
      'profile (1)',
      'openid (3)',
      'phone (4)',
      'email (6)',
    ]);
    // The avatar (a data: URL from the emulator) is allowed by img-src and actually rendered.
    await expect(
      page.locator('img.avatar').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
    ).resolves.toBe(true);
    await page.screenshot({ path: resultPath('profile.png'), fullPage: true });
    updateReadmeScreenshot(resultPath('profile.png'), README_SCREENSHOTS.profile);
    expect(consoleErrors).toEqual([]);
  });

  it('shows the legacy userId of a pre-2018 user and no phone when the account has none', async () => {
    await signInAs('Sam Legacy');
    await expect(page.locator('#nickname').textContent()).resolves.toBe('Sam Legacy');
    await expect(page.locator('#legacy-user-id').textContent()).resolves.toBe('58219736');
    await expect(page.locator('#phone').textContent()).resolves.toBe('none on this account');
  });

  it('Deny ends on the login-failed page with a friendly message', async () => {
    await openConsentPage();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(onAppPage('/login'));
    expect(new URL(page.url()).search).toBe('?failed=1');
    await expect(page.locator('h1').textContent()).resolves.toBe('You cancelled the sign-in');
    await expect(page.locator('main').textContent()).resolves.toContain('Nothing was shared with this app');
    await expect(page.locator('a.mi-account-btn').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: resultPath('login-failed.png'), fullPage: true });
  });

  it('works with the keyboard alone: Tab to the button, Enter, Tab to a user and Approve, Enter', async () => {
    await page.goto(`${example.url}/`);
    const tabUntil = async (selector: string): Promise<void> => {
      for (let presses = 0; presses < 15; presses += 1) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await tabUntil('a.mi-account-btn');
    // The focus ring is visible (the button's :focus-visible outline).
    await expect(page.locator('a.mi-account-btn').evaluate((el) => getComputedStyle(el).outlineStyle)).resolves.toBe(
      'solid',
    );
    await page.screenshot({ path: resultPath('keyboard-focus.png') });
    await page.keyboard.press('Enter');
    await page.waitForURL(onConsentPage);

    await tabUntil('input[type=radio]');
    await page.keyboard.press('ArrowDown'); // the second demo user
    await expect(page.getByLabel('李小米').isChecked()).resolves.toBe(true);
    await tabUntil('button[value=approve]');
    await page.keyboard.press('Enter');
    await page.waitForURL(onAppPage('/profile'));
    await expect(page.locator('#nickname').textContent()).resolves.toBe('李小米');
  });

  it('refresh demo: a new access token, a new expiry, and the old refresh token rejected', async () => {
    await signInAs('Alex Morgan');
    const before = await page.locator('#access-token').textContent();
    await page.getByRole('button', { name: 'Refresh the access token' }).click();
    await page.waitForURL(onAppPage('/profile'));
    const notice = page.locator('#refresh-result');
    await expect(notice.textContent()).resolves.toContain('Access token refreshed.');
    await expect(notice.textContent()).resolves.toContain('96009 OA_INVALID_REFRESHTOKEN');
    await expect(page.locator('#access-token').textContent()).resolves.not.toBe(before);
    await page.screenshot({ path: resultPath('refreshed.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('signs out: back on the home page, and /profile sends you home again', async () => {
    await signInAs('Alex Morgan');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(onAppPage('/'));
    await expect(page.locator('a.mi-account-btn').isVisible()).resolves.toBe(true);
    await page.goto(`${example.url}/profile`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('mi-example.sid');
  });

  it('a failing token endpoint (HTML 502) ends on a friendly error page without a stack trace', async () => {
    example.emulator!.setFault('/oauth2/token', 'html502');
    try {
      await openConsentPage();
      const callback = page.waitForResponse((response) => new URL(response.url()).pathname === '/auth/mi/callback');
      await page.getByRole('button', { name: 'Approve' }).click();
      expect((await callback).status()).toBe(502);
      await expect(page.locator('h1').textContent()).resolves.toBe('Signing in with Mi Account failed');
      const html = await page.content();
      expect(html).toMatch(/answered HTTP 502 with text\/html/);
      expect(serverInternals(html)).toEqual([]);
      expect(html).not.toContain(DEMO_CLIENT.clientSecret);
      await page.screenshot({ path: resultPath('error.png'), fullPage: true });
    } finally {
      example.emulator!.setFault('/oauth2/token', null);
    }
  });
});

/** The committed README screenshots change only on request (UPDATE_SCREENSHOTS=1) or when missing. */
function updateReadmeScreenshot(from: string, to: string): void {
  if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(to)) copyFileSync(from, to);
}
