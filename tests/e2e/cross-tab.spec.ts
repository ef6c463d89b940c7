import { expect, test } from '@playwright/test';
import { SET_TIME_KEY, SessionPage, TOKEN_KEY } from './session-page';
import {
  dialogOf,
  freezeContextClock,
  noticeOf,
  openTabs,
  recordDialogCloses,
  recordStorageEvents,
  stored,
  waitForDialogCloses,
  waitForStorageEvent,
  waitForStored,
  writeStorage,
} from './support';

// Two tabs of one browser context share localStorage and the fake clock.
// The clock stays paused, so whatever reaches tab B "within 1 s" here came
// through the storage event, not through B's own timers.
const ONE_MINUTE = { timeout: '1m', interval: '250ms', warn: '0s' };
const WITHIN = { timeout: 1000 };

test.describe('two tabs', () => {
  test('log out in A signs B out as other-tab within 1 s', async ({ context }) => {
    await freezeContextClock(context);
    const [a, b] = await openTabs(context, [ONE_MINUTE, ONE_MINUTE]);

    await a.logIn();
    await expect(b.session).toHaveAttribute('data-state', 'active', WITHIN);

    await a.logOut();
    await a.expectState('signed-out', 'logout');
    await expect(b.session).toHaveAttribute('data-state', 'signed-out', WITHIN);
    await expect(b.session).toHaveAttribute('data-reason', 'other-tab');
    await expect(noticeOf(b)).toHaveText('You were signed out in another tab.');
    await expect(noticeOf(b)).toBeFocused();
    await expect(b.remaining).toBeHidden();
    await b.expectStorageEmpty();
  });

  test('log in in A signs B in', async ({ context }) => {
    await freezeContextClock(context);
    const [a, b] = await openTabs(context, [ONE_MINUTE, ONE_MINUTE]);
    await b.expectState('signed-out', 'none');

    await a.logIn();
    await expect(b.session).toHaveAttribute('data-state', 'active', WITHIN);
    await expect(b.session).toHaveAttribute('data-reason', 'none');
    await expect(b.remaining).toBeVisible();
    await expect(b.remaining).toHaveText(/\b1:00\b|\b0:59\b/);
  });

  test('localStorage.clear() in A signs B out', async ({ context }) => {
    await freezeContextClock(context);
    const [a, b] = await openTabs(context, [ONE_MINUTE, ONE_MINUTE]);
    await a.logIn();
    await expect(b.session).toHaveAttribute('data-state', 'active', WITHIN);

    await a.page.evaluate(() => window.localStorage.clear());
    await expect(b.session).toHaveAttribute('data-state', 'signed-out', WITHIN);
    await expect(b.session).toHaveAttribute('data-reason', 'other-tab');
    await b.expectStorageEmpty();
  });

  test('a set-time removed in A ends B as invalid after two of its regular checks, not before', async ({
    context,
  }) => {
    // A checks only every second, so that B's two 250 ms checks come first
    // and B is the tab that decides (otherwise A's own checks could remove
    // the rest of the pair first and B would see a plain sign-out).
    await freezeContextClock(context);
    await recordStorageEvents(context);
    const [a, b] = await openTabs(context, [
      { ...ONE_MINUTE, interval: '1s' },
      ONE_MINUTE,
    ]);
    const warnings: string[] = [];
    b.page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await a.logIn();
    await expect(b.session).toHaveAttribute('data-state', 'active', WITHIN);
    const token = await stored(a.page, TOKEN_KEY);

    await writeStorage(a.page, [[SET_TIME_KEY, null]]);
    await waitForStorageEvent(b.page, SET_TIME_KEY);
    // The storage event alone never ends a session over a torn pair.
    await b.expectState('active', 'none');

    await b.runFor(250); // B's first regular check sees the torn pair
    await b.expectState('active', 'none');
    expect(await stored(b.page, TOKEN_KEY)).toBe(token);

    await b.runFor(250); // the second one, with the pair still torn
    await expect(b.session).toHaveAttribute('data-state', 'signed-out', WITHIN);
    await expect(b.session).toHaveAttribute('data-reason', 'invalid');
    await b.expectStorageEmpty();
    expect(warnings, 'one warning in B').toHaveLength(1);
    expect(warnings[0]).not.toContain(token!);
  });

  test('B never writes an old token back after A logs in anew', async ({ context }) => {
    await freezeContextClock(context);
    const [a, b] = await openTabs(context, [ONE_MINUTE, ONE_MINUTE]);
    await a.logIn();
    await expect(b.session).toHaveAttribute('data-state', 'active', WITHIN);
    const first = await a.storage();

    await a.runFor(1000);
    await a.logOut();
    await expect(b.session).toHaveAttribute('data-state', 'signed-out', WITHIN);
    await a.runFor(1000);
    await a.logIn();
    const second = await a.storage();
    expect(second.token).not.toBe(first.token);
    expect(second.setTime).not.toBe(first.setTime);
    await expect(b.session).toHaveAttribute('data-state', 'active', WITHIN);

    // A few of B's intervals later, storage still holds A's new pair, as
    // both tabs read it.
    await a.runFor(2000);
    await expect(b.session).toHaveAttribute('data-state', 'active');
    expect(await a.storage()).toEqual(second);
    expect(await b.storage()).toEqual(second);
  });

  test('B never writes an old token back after A renews the session', async ({ context }) => {
    const query = { timeout: '10s', interval: '250ms', warn: '3s' };
    await freezeContextClock(context);
    const [a, b] = await openTabs(context, [query, query]);
    await a.logIn();
    await expect(b.session).toHaveAttribute('data-state', 'active', WITHIN);
    const first = await a.storage();

    await a.runFor(8000);
    await a.expectState('expiring');
    await b.expectState('expiring');
    await dialogOf(a).stay.click();
    await a.expectState('active', 'none');
    const second = await a.storage();
    expect(second.token).not.toBe(first.token);
    await waitForStored(b.page, SET_TIME_KEY, second.setTime);
    await expect(b.session).toHaveAttribute('data-state', 'active', WITHIN);

    await a.runFor(1500);
    expect(await a.storage()).toEqual(second);
    expect(await b.storage()).toEqual(second);
  });

  test('renewing in A just before the deadline keeps both tabs signed in past the old deadline', async ({
    context,
  }) => {
    const query = { timeout: '10s', interval: '250ms', warn: '3s' };
    const start = await freezeContextClock(context);
    await recordDialogCloses(context);
    const [a, b] = await openTabs(context, [query, query]);
    await a.logIn();
    await expect(b.session).toHaveAttribute('data-state', 'active', WITHIN);

    await a.runFor(9500); // 0.5 s before the old deadline
    await a.expectState('expiring');
    await b.expectState('expiring');
    await dialogOf(a).stay.click();
    await a.expectState('active', 'none');
    expect(await stored(a.page, SET_TIME_KEY)).toBe(String(start + 9500));
    await waitForStored(b.page, SET_TIME_KEY, String(start + 9500));
    await expect(b.session).toHaveAttribute('data-state', 'active', WITHIN);
    await waitForDialogCloses(a.page, 1);
    await waitForDialogCloses(b.page, 1);

    await a.runFor(1000); // 0.5 s past the old deadline
    await a.expectState('active', 'none');
    await b.expectState('active', 'none');
    expect(await stored(b.page, SET_TIME_KEY)).toBe(String(start + 9500));

    // The renewed session runs its own full 10 s, to start + 19.5 s, in B.
    // (A is closed first: each page runs its own copy of the fake clock, so
    // with both open A may reach the end, and remove the pair, while B's copy
    // still reads a few ms earlier, and B would rightly call that other-tab.)
    await a.runFor(7900); // start + 18.4 s
    await a.expectState('expiring');
    await b.expectState('expiring');
    await a.page.close();
    await b.runFor(1000); // start + 19.4 s
    await b.expectState('expiring');
    await b.runFor(200); // start + 19.6 s
    await b.expectState('signed-out', 'timeout');
    await b.expectStorageEmpty();
  });
});

test.describe('a torn pair', () => {
  test('a pair torn shortly before the deadline does not keep a tab signed in past it', async ({ page }) => {
    // One tab checking every second from its load at `start`; the session is
    // set at start + 0.5 s, so its deadline (start + 10.5 s) falls between
    // two ticks. Another writer tears the pair 0.2 s before the deadline (the
    // set-time goes; done from inside the page so that no page opening or
    // closing fires focus events, which are checks too).
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.recordSessionEvents();
    await app.open({ timeout: '10s', interval: '1s', warn: '0s' });
    await app.runFor(500);
    await app.logIn();
    expect(await stored(page, SET_TIME_KEY)).toBe(String(start + 500));

    await app.runFor(9800); // start + 10.3 s
    await writeStorage(page, [[SET_TIME_KEY, null]]);
    await app.expectState('active', 'none');

    await app.runFor(250); // start + 10.55 s: past the deadline, before the next tick
    const events = await app.events();
    await expect(app.session, `session-change events: ${JSON.stringify(events)}`).toHaveAttribute(
      'data-state',
      'signed-out',
    );
    await expect(app.remaining).toBeHidden();
    const end = events.find((e) => e.state === 'signed-out');
    expect(end?.at, 'ended at the deadline').toBeGreaterThanOrEqual(start + 10_500);
    expect(end?.at, 'ended at the deadline').toBeLessThanOrEqual(start + 10_510);
  });
});
