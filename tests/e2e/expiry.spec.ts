import { expect, test } from '@playwright/test';
import { SessionPage } from './session-page';

// A 3 s session checked every 250 ms; the warning is off so the state stays
// `active` until the end.
const SHORT = { timeout: '3s', interval: '250ms', warn: '0s' };

test.describe('expiry', () => {
  test('the session ends when the timeout passes, once', async ({ page }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.recordSessionEvents();
    await app.open(SHORT);

    await app.logIn();
    await app.expectState('active', 'none');
    await expect(app.remaining).toHaveText(/\b0:0[23]\b/);
    const before = await app.remaining.innerText();

    // The remaining time counts down.
    await app.runFor(1000);
    await expect(app.remaining).not.toHaveText(before);
    await expect(app.remaining).toHaveText(/\b0:0[12]\b/);

    // Just before the deadline (set-time + 3 s): still signed in.
    await app.runFor(1900); // now = start + 2900
    await app.expectState('active', 'none');
    const stored = await app.storage();
    expect(stored.token).not.toBeNull();
    expect(stored.setTime).toBe(String(start));

    // Just after it: signed out by the timeout, both keys removed.
    await app.runFor(200); // now = start + 3100
    await app.expectState('signed-out', 'timeout');
    await app.expectStorageEmpty();
    await expect(app.remaining).toBeHidden();
    await expect(app.logInButton).toBeVisible();

    const events = await app.events();
    const ends = events.filter((e) => e.state === 'signed-out');
    expect(ends, `session-change events: ${JSON.stringify(events)}`).toHaveLength(1);
    expect(ends[0].reason).toBe('timeout');
    expect(ends[0].at).toBeGreaterThanOrEqual(start + 3000);
    expect(ends[0].at).toBeLessThanOrEqual(start + 3100);
    expect(events.map((e) => e.state)).toEqual(['active', 'signed-out']);

    await app.screenshot('signed-out');

    // Nothing is left running: much later, still no further event.
    await app.runFor(10_000);
    await app.expectState('signed-out', 'timeout');
    expect(await app.events()).toHaveLength(events.length);
  });

  test('warns before the timeout, then ends the session once', async ({ page }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.recordSessionEvents();
    await app.open({ ...SHORT, warn: '1s' });

    await app.logIn();
    await app.expectState('active', 'none');

    await app.runFor(1900); // 1.1 s left
    await app.expectState('active');
    await app.runFor(200); // 0.9 s left: inside the 1 s warning
    await app.expectState('expiring');
    await expect(app.staySignedInButton).toBeVisible();
    await expect(app.remaining).toBeVisible();

    await app.runFor(1000); // now = start + 3100
    await app.expectState('signed-out', 'timeout');
    await app.expectStorageEmpty();

    const events = await app.events();
    expect(events.map((e) => e.state), JSON.stringify(events)).toEqual(['active', 'expiring', 'signed-out']);
    expect(events[2].reason).toBe('timeout');
    expect(events[2].at).toBeGreaterThanOrEqual(start + 3000);
  });
});
