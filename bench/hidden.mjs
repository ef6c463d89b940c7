#!/usr/bin/env node
// Expiry lateness when the tab is not the one in front, in real time, for the
// app and the reference pattern. Prints figures and what the browser reported;
// asserts nothing. See bench/README.md for what headless Chromium can and cannot
// show here.
//
//   node bench/hidden.mjs
//
// Environment (all optional):
//   BENCH_DIST      built app to serve                  (default /tmp/bench-dist)
//   BENCH_HIDDEN_N  sessions per scenario and target     (default 20)
//   BENCH_JSON      where to write raw samples           (default /tmp/bench-hidden.json)
//
// Scenarios (timeout=1s, interval=1s, warn=0s):
//   1. background page: a second page opened and brought to front over the
//      measured one, with Playwright's "no throttling" switches removed so the
//      browser may throttle. Reports the visibilityState the page actually had.
//   2. page told it is hidden: document.visibilityState/hidden overridden to
//      "hidden" and a visibilitychange dispatched. The browser does not throttle
//      (it still thinks the page is visible), but the app stops its Interval as
//      it would when hidden, so only its deadline timer is left to end the
//      session. The reference has no visibility handling; it is unaffected.
//   3. frozen page: CDP Page.setWebLifecycleState 'frozen' right after log-in,
//      thawed 500 ms after the deadline (what Chrome does to background tabs
//      under its freezing policies). Lateness is counted from the thaw.

import fs from 'node:fs';
import {
  REFERENCE_DIR, freePort, startStaticServer, launchBrowser, sleep, openPage,
  pageProbe, watchErrors, summariseErrors, stats, countBy, table, machineNote, distNote,
} from './lib.mjs';

const DIST = process.env.BENCH_DIST || '/tmp/bench-dist';
const N = Number(process.env.BENCH_HIDDEN_N || 20);
const JSON_OUT = process.env.BENCH_JSON || '/tmp/bench-hidden.json';
const TIMEOUT_MS = 1000;
const INTERVAL_MS = 1000;
const QUERY = '?timeout=1s&interval=1s&warn=0s';
const THAW_AFTER_DEADLINE_MS = 500;
const TARGETS = ['app', 'ref'];
const LABEL = { app: 'leptos-jwt-session', ref: 'reference pattern' };
const started = Date.now();
const progress = (text) => process.stderr.write(text);

/** Makes the page believe it is hidden (scenario 2). */
function fakeHidden() {
  Object.defineProperty(Document.prototype, 'visibilityState', { get: () => 'hidden', configurable: true });
  Object.defineProperty(Document.prototype, 'hidden', { get: () => true, configurable: true });
  addEventListener('load', () => document.dispatchEvent(new Event('visibilitychange')));
}

/** Records when the page is thawed (scenario 3). */
function recordResume() {
  window.__resumedAt = [];
  document.addEventListener('resume', () => window.__resumedAt.push(Date.now()));
}

async function contextFor(browser, extraInit) {
  const context = await browser.newContext();
  await context.addInitScript(pageProbe, { trackTimers: false });
  if (extraInit) await context.addInitScript(extraInit);
  return context;
}

const pageState = (page) => page.evaluate(() => ({
  vis: document.visibilityState,
  focus: document.hasFocus(),
}));

async function logIn(page) {
  return page.evaluate(async () => {
    const b = window.__bench;
    const login = await b.button('Log in');
    const from = b.events.length;
    login.click();
    return { from, setTime: Number(localStorage.getItem('auth-token-set-time')) };
  });
}

async function waitSignedOut(page, from) {
  return page.evaluate(({ from, ms }) => window.__bench.waitEvent(from, 'signed-out', ms),
    { from, ms: TIMEOUT_MS + 15_000 });
}

async function lateness(page) {
  await sleep(Math.random() * INTERVAL_MS);
  const { from, setTime } = await logIn(page);
  const ev = await waitSignedOut(page, from);
  return { setTime, at: ev.at, reason: ev.reason, vis: ev.vis, lateness: ev.at - (setTime + TIMEOUT_MS) };
}

async function frozenSample(context, page) {
  await sleep(Math.random() * INTERVAL_MS);
  const cdp = await context.newCDPSession(page);
  const { from, setTime } = await logIn(page);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  const deadline = setTime + TIMEOUT_MS;
  await sleep(Math.max(0, deadline + THAW_AFTER_DEADLINE_MS - Date.now()));
  await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  const ev = await waitSignedOut(page, from);
  const resumed = await page.evaluate(() => window.__resumedAt.at(-1) ?? null);
  await cdp.detach();
  return {
    setTime, at: ev.at, reason: ev.reason, resumedAt: resumed,
    lateness: ev.at - deadline,
    afterThaw: resumed == null ? null : ev.at - resumed,
  };
}

async function main() {
  const errors = [];
  const appPort = await freePort(4340, 4399);
  const refPort = await freePort(appPort + 1, 4399);
  const appServer = await startStaticServer(DIST, appPort);
  const refServer = await startStaticServer(REFERENCE_DIR, refPort);
  const base = { app: appServer.url, ref: refServer.url };
  // Throttling switches removed: let the browser throttle if it will.
  const browser = await launchBrowser({ allowThrottling: true });
  const results = { background: {}, fakeHidden: {}, frozen: {}, observed: {} };
  try {
    // 1. background page
    progress(`1. background page: ${N} sessions per target\n`);
    for (const k of TARGETS) {
      const context = await contextFor(browser);
      const page = await openPage(context, base[k] + QUERY, errors, `${k}/background`);
      const cover = await context.newPage();
      watchErrors(cover, errors, `${k}/cover`);
      await cover.goto(base[k] + QUERY);
      await cover.bringToFront();
      await sleep(500);
      results.observed[`${k} background`] = await pageState(page);
      const samples = [];
      for (let i = 0; i < N; i++) samples.push(await lateness(page));
      results.background[k] = samples;
      await context.close();
    }

    // 2. page told it is hidden
    progress(`2. page told it is hidden: ${N} sessions per target\n`);
    for (const k of TARGETS) {
      const context = await contextFor(browser, fakeHidden);
      const page = await openPage(context, base[k] + QUERY, errors, `${k}/fake-hidden`);
      results.observed[`${k} fake-hidden`] = await pageState(page);
      const samples = [];
      for (let i = 0; i < N; i++) samples.push(await lateness(page));
      results.fakeHidden[k] = samples;
      await context.close();
    }

    // 3. frozen page
    progress(`3. frozen page: ${N} sessions per target\n`);
    for (const k of TARGETS) {
      const context = await contextFor(browser, recordResume);
      const page = await openPage(context, base[k] + QUERY, errors, `${k}/frozen`);
      const samples = [];
      for (let i = 0; i < N; i++) samples.push(await frozenSample(context, page));
      results.frozen[k] = samples;
      await context.close();
    }
  } finally {
    const version = browser.version();
    await browser.close();
    await appServer.stop();
    await refServer.stop();
    results.browserVersion = version;
  }
  results.errors = errors;
  fs.writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));

  const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'n/a');
  const fmt = (samples, key) => {
    const s = stats(samples.map((x) => x[key]).filter((v) => v != null));
    return `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.max)} (n=${s.n})`;
  };
  const rows = [['scenario (timeout=1s, interval=1s)', LABEL.app, LABEL.ref]];
  const row = (name, f) => rows.push([name, f('app'), f('ref')]);
  const obs = (k, s) => {
    const o = results.observed[`${k} ${s}`];
    return `visibilityState=${o.vis}, hasFocus=${o.focus}`;
  };
  row('1. background page: page reported', (k) => obs(k, 'background'));
  row('1. lateness p50 / p95 / max', (k) => fmt(results.background[k], 'lateness'));
  row('1. end reasons', (k) => countBy(results.background[k].map((s) => s.reason)));
  row('2. told hidden: page reported', (k) => obs(k, 'fake-hidden'));
  row('2. lateness p50 / p95 / max', (k) => fmt(results.fakeHidden[k], 'lateness'));
  row('2. end reasons', (k) => countBy(results.fakeHidden[k].map((s) => s.reason)));
  row(`3. frozen, thawed deadline+${THAW_AFTER_DEADLINE_MS} ms: lateness vs deadline p50 / p95 / max`, (k) => fmt(results.frozen[k], 'lateness'));
  row('3. sign-out after thaw p50 / p95 / max', (k) => fmt(results.frozen[k], 'afterThaw'));
  row('3. end reasons', (k) => countBy(results.frozen[k].map((s) => s.reason)));

  console.log('');
  console.log('Expiry lateness away from the front tab (real time)');
  console.log(`build: ${distNote(DIST)}`);
  console.log(`machine: ${machineNote(results.browserVersion)}`);
  console.log('Playwright throttling-off switches removed for this run: ' +
    '--disable-background-timer-throttling --disable-backgrounding-occluded-windows --disable-renderer-backgrounding');
  console.log('');
  console.log(table(rows));
  console.log('');
  const grouped = summariseErrors(errors);
  console.log(`page errors/warnings/HTTP failures: ${grouped.length ? '' : 'none'}`);
  for (const e of grouped) console.log(`  ${e}`);
  console.log(`raw samples: ${JSON_OUT}`);
  console.log(`total run time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
