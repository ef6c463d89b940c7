import { expect, test } from '@playwright/test';
import { SET_TIME_KEY, SessionPage, type SessionChange } from './session-page';
import { hide, show, stored } from './support';

// A 10 s session checked every 250 ms, no warning: active until the end.
const TEN = { timeout: '10s', interval: '250ms', warn: '0s' };
const HOUR = 60 * 60_000;

// Hidden tabs: headless Chromium never hides a page (opening or bringing
// another page to the front leaves this one `visible`), so `hide`/`show`
// emulate it by shadowing document.visibilityState / document.hidden and
// firing `visibilitychange`.
test.describe('hidden tab', () => {
  test('the countdown pauses while hidden; shown again after the deadline, the tab shows the end first', async ({
    page,
  }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.recordSessionEvents();
    await app.recordStates();
    await app.open(TEN);
    await app.logIn();
    await app.runFor(2000);
    await expect(app.remaining).toHaveText(/\b0:0[78]\b/);
    const shownBefore = await app.remaining.innerText();

    await hide(page);
    // The Interval is paused: the countdown no longer moves.
    await app.runFor(3000);
    await expect(app.remaining).toHaveText(shownBefore);
    await app.expectState('active', 'none');

    // A throttled background tab: time passes beyond the deadline without
    // any timer running (the wall clock and timers jump, none fires).
    await page.clock.setSystemTime(start + 15_000);
    const eventsBefore = (await app.events()).length;
    const statesBefore = (await app.seenStates()).length;

    await show(page);
    await app.expectState('signed-out', 'timeout');
    await app.expectStorageEmpty();
    await expect(app.remaining).toBeHidden();
    await expect(page.getByTestId('signed-out-notice')).toHaveText('Your session timed out.');

    const after = (await app.events()).slice(eventsBefore);
    expect(after, JSON.stringify(after)).toHaveLength(1);
    expect(after[0]).toMatchObject({ state: 'signed-out', reason: 'timeout' });
    const statesAfter = (await app.seenStates()).slice(statesBefore);
    expect(statesAfter, `data-state values after shown: ${JSON.stringify(statesAfter)}`).toEqual(['signed-out']);
  });

  test('the deadline timer still ends the session on time while hidden', async ({ page }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.recordSessionEvents();
    await app.open(TEN);
    await app.logIn();
    await app.runFor(1000);

    await hide(page);
    await app.runFor(8900); // start + 9.9 s
    await app.expectState('active', 'none');
    await app.runFor(200); // start + 10.1 s
    await app.expectState('signed-out', 'timeout');
    await app.expectStorageEmpty();
    const ends = (await app.events()).filter((e) => e.state === 'signed-out');
    expect(ends).toHaveLength(1);
    expect(ends[0].at).toBe(start + 10_000);

    await show(page);
    await app.runFor(1000);
    await app.expectState('signed-out', 'timeout');
    expect((await app.events()).filter((e) => e.state === 'signed-out')).toHaveLength(1);
  });
});

test.describe('sleep and clock changes', () => {
  async function signedOutEvents(app: SessionPage): Promise<SessionChange[]> {
    return (await app.events()).filter((e) => e.state === 'signed-out');
  }

  test('after sleep, a focus event ends the session at once, with one signed-out event', async ({ page }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.recordSessionEvents();
    await app.open(TEN);
    await app.logIn();
    await app.runFor(1000);

    // The machine sleeps: the wall clock jumps past the deadline, no timer runs.
    await page.clock.setSystemTime(start + 60_000);
    await app.expectState('active', 'none');

    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await app.expectState('signed-out', 'timeout');
    await app.expectStorageEmpty();
    const ends = await signedOutEvents(app);
    expect(ends, JSON.stringify(ends)).toHaveLength(1);
    expect(ends[0]).toMatchObject({ reason: 'timeout', at: start + 60_000 });

    // The timers that were due meanwhile add nothing.
    await app.runFor(15_000);
    await app.expectState('signed-out', 'timeout');
    expect(await signedOutEvents(app)).toHaveLength(1);
  });

  test('after sleep, the next regular check ends the session, with one signed-out event', async ({ page }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.recordSessionEvents();
    await app.open(TEN);
    await app.logIn();
    await app.runFor(1000);

    await page.clock.setSystemTime(start + 60_000);
    await app.runFor(250); // one Interval tick
    await app.expectState('signed-out', 'timeout');
    await app.expectStorageEmpty();
    const ends = await signedOutEvents(app);
    expect(ends, JSON.stringify(ends)).toHaveLength(1);

    await app.runFor(15_000);
    expect(await signedOutEvents(app)).toHaveLength(1);
  });

  test('with the wall clock set back 2 h after log-in, the session still ends after its timeout of elapsed time', async ({
    page,
  }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.recordSessionEvents();
    await app.open(TEN);
    await app.logIn();
    await app.runFor(1000);

    await page.clock.setSystemTime(start + 1000 - 2 * HOUR);
    await app.runFor(250);
    await app.expectState('active', 'none');
    // The countdown follows elapsed time, not the wall clock.
    await expect(app.remaining).toHaveText(/\b0:0[89]\b/);
    expect(await stored(page, SET_TIME_KEY)).toBe(String(start));

    await app.runFor(8650); // 9.9 s elapsed since log-in
    await app.expectState('active', 'none');
    await app.runFor(200); // 10.1 s elapsed
    await app.expectState('signed-out', 'timeout');
    await app.expectStorageEmpty();
    expect(await signedOutEvents(app)).toHaveLength(1);
  });
});
