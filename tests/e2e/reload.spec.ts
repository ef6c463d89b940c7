import { expect, test } from '@playwright/test';
import { SessionPage } from './session-page';

const SHORT = { timeout: '3s', interval: '250ms', warn: '0s' };

test.describe('reload', () => {
  test('a reload while the session is valid keeps it and its original deadline', async ({ page }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.recordSessionEvents();
    await app.open(SHORT);

    await app.logIn();
    const before = await app.storage();
    await app.runFor(1000);

    await app.reload(); // now = start + 1000
    await app.expectState('active');
    await expect(app.remaining).toBeVisible();
    const after = await app.storage();
    expect(after.setTime, 'set-time unchanged by the reload').toBe(before.setTime);
    expect(after.token, 'token unchanged by the reload').toBe(before.token);
    expect(await app.events()).toEqual([{ state: 'active', reason: 'none', at: start + 1000 }]);

    // The deadline is still start + 3 s, not reload + 3 s.
    await app.runFor(1900); // now = start + 2900
    await app.expectState('active');
    await app.runFor(200); // now = start + 3100 (a restarted session would last to start + 4000)
    await app.expectState('signed-out', 'timeout');
    await app.expectStorageEmpty();
    const ends = (await app.events()).filter((e) => e.state === 'signed-out');
    expect(ends).toHaveLength(1);
  });

  test('coming back after the timeout finds the session ended, without showing it signed in', async ({
    page,
    context,
  }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.recordSessionEvents();
    await app.recordStates();
    await app.open(SHORT);
    await app.logIn();
    expect((await app.storage()).setTime).toBe(String(start));

    // The tab is closed; the user comes back 5 s later (timeout 3 s).
    await page.close();
    await context.clock.runFor(5000);
    const again = new SessionPage(await context.newPage());
    await again.open(SHORT);

    await again.expectState('signed-out', 'timeout');
    await again.expectStorageEmpty();
    await expect(again.remaining).toBeHidden();
    await expect(again.logInButton).toBeVisible();

    expect(await again.events()).toEqual([{ state: 'signed-out', reason: 'timeout', at: start + 5000 }]);
    const states = await again.seenStates();
    expect(states, `data-state values seen: ${JSON.stringify(states)}`).not.toContain('active');
    expect(states).not.toContain('expiring');
    expect(await again.signedInViewSeen(), 'the signed-in view was never shown').toBe(false);
  });
});
