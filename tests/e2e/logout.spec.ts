import { expect, test } from '@playwright/test';
import { SessionPage } from './session-page';

test.describe('log out', () => {
  test('removes both keys and ends the session with reason logout', async ({ page }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.recordSessionEvents();
    await app.open({ timeout: '3s', interval: '250ms', warn: '0s' });

    await app.logIn();
    await app.runFor(1000);
    await app.logOut();

    await app.expectState('signed-out', 'logout');
    await app.expectStorageEmpty();
    await expect(app.remaining).toBeHidden();
    await expect(app.logInButton).toBeVisible();

    const events = await app.events();
    expect(events).toEqual([
      { state: 'active', reason: 'none', at: start },
      { state: 'signed-out', reason: 'logout', at: start + 1000 },
    ]);

    // The ended session's timers are gone: its deadline passes without a trace.
    await app.runFor(5000);
    await app.expectState('signed-out', 'logout');
    expect(await app.events()).toHaveLength(2);
  });

  test('a new log in after log out starts a new session', async ({ page }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.open({ timeout: '3s', interval: '250ms', warn: '0s' });

    await app.logIn();
    await app.logOut();
    await app.runFor(2000);
    await app.logIn();
    await app.expectState('active');
    expect((await app.storage()).setTime).toBe(String(start + 2000));

    // It runs its own full timeout.
    await app.runFor(2900);
    await app.expectState('active');
    await app.runFor(200);
    await app.expectState('signed-out', 'timeout');
    await app.expectStorageEmpty();
  });
});
