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
//   BENCH_HIDDEN_N  sessions per scenario and target     (default 30)
//   BENCH_SERIAL=1  app and reference one after the other, not side by side
//   BENCH_JSON      where to write raw samples           (default /tmp/bench-hidden.json)
//
// Scenarios (timeout=1s, interval=1s, warn=0s):
//   1. background page: a second tab of the same app opened and brought to
//      front over the measured one, with Playwright's "no throttling" switches
//      removed so the browser may throttle. Reports the visibilityState the page
//      actually had, and how the front tab (which follows the same session
//      through storage) ended each session.
//   2. page told it is hidden: document.visibilityState/hidden overridden to
//      "hidden" and a visibilitychange dispatched. The browser does not throttle
//      (it still thinks the page is visible), but the app stops its Interval as
//      it would when hidden, so only its deadline timer is left to end the
//      session. The reference has no visibility handling; it is unaffected.
//   3. frozen page: CDP Page.setWebLifecycleState 'frozen' right after log-in,
//      thawed 500 ms after the deadline (what Chrome does to background tabs
//      under its freezing policies). Tried once first: headless Chromium 156
//      ignores the request for a visible page (no `freeze` event, timers keep
//      running), and then the scenario is reported as not measured.

import fs from 'node:fs';
import {
  REFERENCE_DIR, freePort, startStaticServer, launchBrowser, sleep, openPage,
  pageProbe, watchErrors, stats, countBy, table, machineNote, distNote, eachTarget,
  printFooter,
} from './lib.mjs';

const DIST = process.env.BENCH_DIST || '/tmp/bench-dist';
const N = Number(process.env.BENCH_HIDDEN_N || 30);
const SERIAL = process.env.BENCH_SERIAL === '1';
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

/** Records when the page is frozen and thawed (scenario 3). */
function recordResume() {
  window.__frozenAt = [];
  window.__resumedAt = [];
  document.addEventListener('freeze', () => window.__frozenAt.push(Date.now()));
  document.addEventListener('resume', () => window.__resumedAt.push(Date.now()));
}

/** Whether the browser really freezes this page when asked (a visible page it may not). */
async function freezes(context, page) {
  const cdp = await context.newCDPSession(page);
  const before = await page.evaluate(() => window.__frozenAt.length);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  await sleep(300);
  await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  await cdp.detach();
  return (await page.evaluate(() => window.__frozenAt.length)) > before;
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

/** The second tab's end of each session: first signed-out event at or after log-in. */
function secondTabEnds(samples, events) {
  const outs = events.filter((e) => e.state === 'signed-out');
  return samples.map((s) => {
    const ev = outs.find((e) => e.at >= s.setTime);
    return ev ? { reason: ev.reason, lateness: ev.at - (s.setTime + TIMEOUT_MS) } : null;
  }).filter(Boolean);
}

async function scenarioBackground(browser, url, errors, k) {
  const context = await contextFor(browser);
  const page = await openPage(context, url, errors, `${k}/background`);
  // A second tab of the same app, opened later and brought to the front.
  const cover = await context.newPage();
  watchErrors(cover, errors, `${k}/front`);
  await cover.goto(url);
  await cover.waitForSelector('[data-testid="session"]');
  await cover.bringToFront();
  await sleep(500);
  const observed = await pageState(page);
  const samples = [];
  for (let i = 0; i < N; i++) samples.push(await lateness(page));
  await sleep(TIMEOUT_MS + INTERVAL_MS);
  const frontEnds = secondTabEnds(samples, await cover.evaluate(() => window.__bench.events));
  await context.close();
  return { observed, samples, frontEnds };
}

async function scenarioFakeHidden(browser, url, errors, k) {
  const context = await contextFor(browser, fakeHidden);
  const page = await openPage(context, url, errors, `${k}/told-hidden`);
  const observed = await pageState(page);
  const samples = [];
  for (let i = 0; i < N; i++) samples.push(await lateness(page));
  await context.close();
  return { observed, samples };
}

async function scenarioFrozen(browser, url, errors, k) {
  const context = await contextFor(browser, recordResume);
  const page = await openPage(context, url, errors, `${k}/frozen`);
  const samples = [];
  const froze = await freezes(context, page);
  if (froze) {
    for (let i = 0; i < N; i++) samples.push(await frozenSample(context, page));
  }
  await context.close();
  return { froze, samples };
}

async function main() {
  const errors = [];
  const appPort = await freePort(4340, 4399);
  const refPort = await freePort(appPort + 1, 4399);
  const appServer = await startStaticServer(DIST, appPort);
  const refServer = await startStaticServer(REFERENCE_DIR, refPort);
  const url = { app: appServer.url + QUERY, ref: refServer.url + QUERY };
  // Throttling switches removed: let the browser throttle if it will.
  const browser = await launchBrowser({ allowThrottling: true });
  const results = {};
  try {
    progress(`1. background page: ${N} sessions per target\n`);
    results.background = await eachTarget(TARGETS, (k) => scenarioBackground(browser, url[k], errors, k), SERIAL);
    progress(`2. page told it is hidden: ${N} sessions per target\n`);
    results.fakeHidden = await eachTarget(TARGETS, (k) => scenarioFakeHidden(browser, url[k], errors, k), SERIAL);
    progress(`3. frozen page: ${N} sessions per target\n`);
    results.frozen = await eachTarget(TARGETS, (k) => scenarioFrozen(browser, url[k], errors, k), SERIAL);
  } finally {
    results.browserVersion = browser.version();
    await browser.close();
    await appServer.stop();
    await refServer.stop();
  }
  results.errors = errors;
  fs.writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));

  const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'n/a');
  const fmt = (samples, key) => {
    const s = stats(samples.map((x) => x[key]).filter((v) => v != null));
    return `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.max)} (n=${s.n})`;
  };
  const obs = (o) => `visibilityState=${o.vis}, hasFocus=${o.focus}`;
  const rows = [['scenario (timeout=1s, interval=1s, warn=0s)', LABEL.app, LABEL.ref]];
  const row = (name, f) => rows.push([name, f('app'), f('ref')]);
  const r = results;
  row('1. background page: it reported', (k) => obs(r.background[k].observed));
  row('1. lateness p50 / p95 / max', (k) => fmt(r.background[k].samples, 'lateness'));
  row('1. end reasons', (k) => countBy(r.background[k].samples.map((s) => s.reason)));
  row('1. front tab (same session): lateness p50 / p95 / max', (k) => fmt(r.background[k].frontEnds, 'lateness'));
  row('1. front tab: end reasons', (k) => countBy(r.background[k].frontEnds.map((s) => s.reason)));
  row('2. told hidden: it reported', (k) => obs(r.fakeHidden[k].observed));
  row('2. lateness p50 / p95 / max', (k) => fmt(r.fakeHidden[k].samples, 'lateness'));
  row('2. end reasons', (k) => countBy(r.fakeHidden[k].samples.map((s) => s.reason)));
  const frozen = (k, f) => (r.frozen[k].froze ? f() : 'not measured: the browser did not freeze the (visible) page');
  row('3. frozen page: did the browser freeze it?', (k) => (r.frozen[k].froze ? 'yes (freeze event seen)' : 'no (no freeze event)'));
  row(`3. thawed at deadline+${THAW_AFTER_DEADLINE_MS} ms: lateness p50 / p95 / max`, (k) => frozen(k, () => fmt(r.frozen[k].samples, 'lateness')));
  row('3. sign-out after thaw p50 / p95 / max', (k) => frozen(k, () => fmt(r.frozen[k].samples, 'afterThaw')));
  row('3. end reasons', (k) => frozen(k, () => countBy(r.frozen[k].samples.map((s) => s.reason))));

  console.log('');
  console.log('Expiry lateness away from the front tab (real time)');
  console.log(`build: ${distNote(DIST)}`);
  console.log(`machine: ${machineNote(results.browserVersion)}`);
  console.log('Playwright throttling-off switches removed for this run: ' +
    '--disable-background-timer-throttling --disable-backgrounding-occluded-windows --disable-renderer-backgrounding');
  console.log(`app and reference ${SERIAL ? 'one after the other' : 'side by side (separate contexts, same browser)'}; ` +
    'lateness = at(signed-out event) - (set-time + 1000 ms); p95 is nearest-rank');
  console.log('');
  console.log(table(rows));
  console.log('');
  printFooter(errors, JSON_OUT, started);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
