import { expect, test } from '@playwright/test';
import { SET_TIME_KEY, SessionPage, TOKEN_KEY } from './session-page';

// Keys changed by other code in the same tab (devtools, scripts): no
// `storage` event reaches this tab, so the regular check must notice.
test.describe('same tab', () => {
  test('keys removed behind the app are noticed at the next check', async ({ page }) => {
    const app = new SessionPage(page);
    await app.freezeClock();
    await app.recordSessionEvents();
    await app.open({ timeout: '1m', interval: '250ms', warn: '0s' });
    await app.logIn();

    await page.evaluate(([token, setTime]) => {
      window.localStorage.removeItem(token);
      window.localStorage.removeItem(setTime);
    }, [TOKEN_KEY, SET_TIME_KEY] as const);
    await app.expectState('active', 'none');
    await app.runFor(250);

    await app.expectState('signed-out', 'other-tab');
    const events = await app.events();
    expect(events.map((e) => `${e.state}/${e.reason}`)).toEqual(['active/none', 'signed-out/other-tab']);
  });

  test('a token replaced behind the app by garbage ends it as invalid at the next check', async ({ page }) => {
    const app = new SessionPage(page);
    await app.freezeClock();
    await app.open({ timeout: '1m', interval: '250ms', warn: '0s' });
    await app.logIn();

    await page.evaluate((key) => window.localStorage.setItem(key, 'not.a.jwt'), TOKEN_KEY);
    await app.runFor(250);

    await app.expectState('signed-out', 'invalid');
    await app.expectStorageEmpty();
  });
});
