// End-to-end test of the dashboard in a real browser (tests/web.cmake).
//
// Codes the Korea demo corpus into a SQLite store with the built `detente
// code`, starts the built `detente serve` on a free loopback port with the
// built dashboard as web root, and drives Debian's chromium headless through
// playwright-core:
//   1. the page loads with no script error; health, stability, network, dyad
//      charts and event table all render with data; the stability chart and
//      the watch strips show what /api/stability and /api/watches answer;
//   2. a click on an edge of the actor network charts that dyad and filters
//      the event table to it (compared with /api/events for the same query);
//   3. a click on the biggest spike of the dyad's balance chart filters the
//      table to that period (compared with /api/events again);
//   4. a click on a row opens the evidence panel, which must show the API's
//      sentence for that event with the source, verb and target spans
//      highlighted on the right characters (byte offsets checked here with
//      Node's Buffer, independently of the page's own conversion).
//   5. weekly periods: the change points of /api/stability are listed under
//      the chart, and a click on one picks its period;
//   6. a failed API request shows the server's error message in its panel.
// Screenshots of each step go to $DT_ARTIFACTS (Testing/artifacts/).
// Any failed check, page error, failed API request or server crash fails.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set (run this test through ctest)`);
  return v;
};
const SRC = env('DT_SOURCE_DIR');
const BIN = env('DT_BIN');
const WEB_ROOT = env('DT_WEB_ROOT');
const WORK = env('DT_WORK_DIR');
const ARTIFACTS = env('DT_ARTIFACTS');
const CHROMIUM = process.env.DT_CHROMIUM || '/usr/bin/chromium';

const require = createRequire(join(SRC, 'web', 'package.json'));
const { chromium } = require('playwright-core');

let passed = 0;
let failed = 0;
function check(ok, what, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok   ${what}`);
  } else {
    failed++;
    console.log(`FAIL ${what}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}
function must(ok, what, detail) {
  if (!check(ok, what, detail)) throw new Error(`cannot go on after: ${what}`);
}

mkdirSync(WORK, { recursive: true });
mkdirSync(ARTIFACTS, { recursive: true });
must(existsSync(join(WEB_ROOT, 'index.html')), `the built dashboard is in ${WEB_ROOT}`);

// ---- the demo store (scripts/demo codes the same corpus the same way)
const store = join(WORK, 'korea.db');
for (const f of [store, `${store}-wal`, `${store}-shm`]) rmSync(f, { force: true });
const code = spawnSync(BIN, ['code', '--quiet', '--source-only', '--output', `sqlite:${store}`, join(SRC, 'examples/korea/news.jsonl')], { encoding: 'utf8' });
must(code.status === 0, 'detente code builds the demo store', code.stderr);

// ---- the server, on a port it picks itself
const portFile = join(WORK, 'port');
rmSync(portFile, { force: true });
const args = ['serve', '--db', store, '--listen', '127.0.0.1:0', '--port-file', portFile, '--web-root', WEB_ROOT];
for (const [flag, f] of [['--region', 'examples/korea/region.txt'], ['--watch', 'examples/korea/watches.txt']]) {
  must(existsSync(join(SRC, f)), `the demo's ${f} exists`);
  args.push(flag, join(SRC, f));
}
console.log(`# ${BIN} ${args.join(' ')}`);
const server = spawn(BIN, args, { stdio: ['ignore', 'inherit', 'pipe'] });
let serverErr = '';
let serverExit = null;
server.stderr.on('data', (d) => (serverErr += d));
server.on('exit', (c, s) => (serverExit = c ?? s));

let browser = null;
try {
  let port = 0;
  for (let i = 0; i < 200 && !port && serverExit === null; i++) {
    if (existsSync(portFile)) port = Number(readFileSync(portFile, 'utf8').trim()) || 0;
    if (!port) await sleep(100);
  }
  must(port > 0, 'detente serve starts and reports its port', `exit ${serverExit}: ${serverErr}`);
  const base = `http://127.0.0.1:${port}`;
  const get = async (path) => {
    const r = await fetch(base + path);
    const body = await r.json();
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${JSON.stringify(body)}`);
    return body;
  };
  const q = (o) => Object.entries(o).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  const health = await get('/api/health');
  must(health.events > 0, 'the API answers /api/health with events', JSON.stringify(health));

  browser = await chromium.launch({ executablePath: CHROMIUM });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const pageErrors = [];
  const badRequests = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('response', (r) => {
    if (r.url().includes('/api/') && r.status() >= 400) badRequests.push(`${r.status()} ${r.url()}`);
  });
  const shot = (name) => page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`) });
  const idle = async () => {
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 15000 });
    await sleep(150);
  };

  await page.goto(base + '/');
  await page.waitForSelector('#network-graph canvas', { timeout: 15000 });
  await page.waitForSelector('#event-table tbody tr', { timeout: 15000 });
  await page.waitForSelector('#balance-chart canvas', { timeout: 15000 });
  await idle();
  await shot('1-overview');

  const healthText = await page.textContent('#health');
  check(healthText.includes(health.events.toLocaleString('en-US')) || healthText.includes(String(health.events)),
    'the header shows the store size', healthText);

  // Charts render with data: a canvas and at least one non-null point.
  const charts = await page.evaluate(() => {
    const d = window.detente;
    const pts = (u) => (u ? u.data.slice(1).reduce((n, s) => n + s.filter((v) => v != null).length, 0) : 0);
    return {
      stability: pts(d.charts.stability),
      balance: pts(d.charts.balance),
      quad: pts(d.charts.quad),
      canvases: ['#stability-chart', '#balance-chart', '#quad-chart'].map((s) => document.querySelectorAll(`${s} canvas`).length),
      nodes: d.cy ? d.cy.nodes().length : 0,
      edges: d.cy ? d.cy.edges().length : 0,
      overview: document.querySelector('[data-state="overview"]').textContent,
    };
  });
  check(charts.stability > 0 && charts.canvases[0] > 0, 'the stability chart has points', JSON.stringify(charts));
  check(charts.balance > 0 && charts.canvases[1] > 0, 'the balance chart has points', JSON.stringify(charts));
  check(charts.quad > 0 && charts.canvases[2] > 0, 'the quad-class chart has points', JSON.stringify(charts));
  check(charts.nodes >= 2 && charts.edges >= 1, 'the actor network has nodes and edges', JSON.stringify(charts));

  // ---- the overview is the API's answer, not merely something drawn
  const whole = { period: 'month', from: health.from, to: health.to };
  const stabApi = await get(`/api/stability?${q(whole)}`);
  // The watch strips as drawn: cells that were given a position and a
  // width (a NaN one is dropped by the browser, leaving a cell that is only
  // its 1 px border at the strip's left end), are wider than that border,
  // and lie on the strip.
  await page.evaluate(() => {
    window.stripsOnScreen = () => [...document.querySelectorAll('#watches .strip')].map((s) => {
      const box = s.getBoundingClientRect();
      const cells = [...s.querySelectorAll('.watch-cell')].filter((c) => {
        const b = c.getBoundingClientRect();
        return c.style.left.endsWith('%') && c.style.width.endsWith('%') && b.width > 1.5 &&
          b.height > 0 && b.right > box.left - 1 && b.left < box.right + 1;
      });
      return { cells: cells.length, broken: cells.filter((c) => c.classList.contains('broken')).length };
    });
  });
  const overview = await page.evaluate(() => {
    const d = window.detente;
    return {
      loaded: d.loaded.stability,
      index: d.charts.stability ? d.charts.stability.data[1].filter((v) => v != null).length : 0,
      strips: window.stripsOnScreen(),
    };
  });
  check(stabApi.rows.length > 0 && JSON.stringify(overview.loaded) === JSON.stringify(stabApi),
    'the overview shows /api/stability of the region', `${stabApi.rows.length} rows`);
  check(overview.index === stabApi.rows.length, 'the stability chart has one point per period', `${overview.index} vs ${stabApi.rows.length}`);
  const watchApi = await get(`/api/watches?${q(whole)}`);
  const wantStrips = watchApi.rules.filter((r) => r.status.length).map((r) => ({
    cells: r.status.length,
    broken: r.status.filter((c) => c.state === 'broken').length,
  }));
  check(wantStrips.length > 0 && wantStrips.some((w) => w.broken > 0) && JSON.stringify(overview.strips) === JSON.stringify(wantStrips),
    'one watch strip per rule with the broken periods of /api/watches', `${JSON.stringify(overview.strips)} vs ${JSON.stringify(wantStrips)}`);

  // ---- click an edge of the network
  const edges = await page.evaluate(() => {
    const cy = window.detente.cy;
    const box = cy.container().getBoundingClientRect();
    // Edges whose midpoint is clear of every node, biggest first.
    return cy.edges().filter((e) => {
      const m = e.renderedMidpoint();
      return !cy.nodes().some((n) => {
        const b = n.renderedBoundingBox();
        return m.x > b.x1 - 4 && m.x < b.x2 + 4 && m.y > b.y1 - 4 && m.y < b.y2 + 4;
      });
    }).sort((a, b) => b.data('dyad').events - a.data('dyad').events)
      .map((e) => ({ s: e.data('source'), t: e.data('target'), x: box.left + e.renderedMidpoint().x, y: box.top + e.renderedMidpoint().y }));
  });
  must(edges.length > 0, 'an edge of the network can be clicked');
  let picked = null;
  for (const e of edges.slice(0, 8)) {
    await page.mouse.click(e.x, e.y);
    await idle();
    const d = await page.evaluate(() => window.detente.state.dyad);
    if (d && d.source === e.s && d.target === e.t) {
      picked = d;
      break;
    }
  }
  must(picked !== null, 'a click on a network edge picks that dyad', JSON.stringify(edges.slice(0, 3)));
  await shot('2-dyad');
  const dyadName = await page.textContent('#dyad-name');
  check(dyadName.includes(`${picked.source} → ${picked.target}`), 'the dyad charts are titled with the dyad', dyadName);
  const series = await page.evaluate(() => window.detente.loaded.series);
  const apiSeries = await get(`/api/series?${q({ source: `=${picked.source}`, target: `=${picked.target}`, period: series.period, from: health.from, to: health.to })}`);
  check(JSON.stringify(series.rows) === JSON.stringify(apiSeries.rows) && series.rows.length > 0,
    'the dyad charts show /api/series of the dyad', `${series.rows.length} rows vs ${apiSeries.rows.length}`);
  const edgeEvents = await page.evaluate(() => window.detente.loaded.dyads.find((d) => d.source === window.detente.state.dyad.source && d.target === window.detente.state.dyad.target).events);
  const seriesEvents = series.rows.reduce((n, r) => n + r.events, 0);
  check(seriesEvents === edgeEvents, 'the dyad\'s series adds up to its edge in the network', `${seriesEvents} vs ${edgeEvents}`);

  const tableIds = () => page.$$eval('#event-table tbody tr', (rows) => rows.map((r) => Number(r.dataset.id)));
  const dyadEvents = await get(`/api/events?${q({ from: health.from, to: health.to, source: `=${picked.source}`, target: `=${picked.target}`, limit: 25 })}`);
  const ids1 = await tableIds();
  check(ids1.length > 0 && JSON.stringify(ids1) === JSON.stringify(dyadEvents.events.map((e) => e.id)),
    'the event table shows the dyad\'s events', `${ids1} vs ${dyadEvents.events.map((e) => e.id)}`);

  // ---- click the biggest spike of the balance chart
  const spike = await page.evaluate(() => {
    const d = window.detente;
    const u = d.charts.balance;
    const rows = d.loaded.series.rows;
    let best = 0;
    rows.forEach((r, i) => {
      if (r.events > rows[best].events) best = i;
    });
    const over = u.over.getBoundingClientRect();
    return { i: best, row: rows[best], x: over.left + u.valToPos(u.data[0][best], 'x'), y: over.top + over.height / 2 };
  });
  await page.mouse.move(spike.x, spike.y);
  await page.mouse.click(spike.x, spike.y);
  await idle();
  const range = await page.evaluate(() => window.detente.state.range);
  must(range && range.start === spike.row.start, `a click on the spike picks its period (${spike.row.label})`, JSON.stringify(range));
  await shot('3-spike');
  const spikeEvents = await get(`/api/events?${q({ from: range.from, to: range.to, source: `=${picked.source}`, target: `=${picked.target}`, limit: 25 })}`);
  const ids2 = await tableIds();
  check(ids2.length > 0 && JSON.stringify(ids2) === JSON.stringify(spikeEvents.events.map((e) => e.id)),
    'the table is filtered to the spike\'s period', `${ids2} vs ${spikeEvents.events.map((e) => e.id)}`);
  check(spikeEvents.events.every((e) => e.date >= range.from && e.date <= range.to),
    'every event of the period lies in it', `${range.from}..${range.to}`);
  check(ids2.length === Math.min(25, spike.row.events),
    'the period has as many events as its bar says', `${ids2.length} rows, bar ${spike.row.events}`);

  // ---- open the evidence of the first row (keyboard: focus + Enter)
  const ev = spikeEvents.events[0];
  await page.focus(`#event-table tbody tr[data-id="${ev.id}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#evidence:not([hidden])', { timeout: 5000 });
  await shot('4-evidence');
  const shown = await page.evaluate(() => ({
    text: document.querySelector('#evidence-text').textContent,
    id: Number(document.querySelector('#evidence-text').dataset.id),
    marks: [...document.querySelectorAll('#evidence-text mark')].map((m) => [m.className, m.textContent]),
    focus: document.activeElement && document.activeElement.id,
  }));
  check(shown.id === ev.id && shown.text === ev.text, 'the evidence panel shows the API\'s sentence for the event', `${JSON.stringify(shown.text)} vs ${JSON.stringify(ev.text)}`);
  const bytes = Buffer.from(ev.text, 'utf8');
  const want = Object.entries(ev.spans || {})
    .filter(([, s]) => Array.isArray(s) && s[1] > 0 && s[0] + s[1] <= bytes.length)
    .sort((a, b) => a[1][0] - b[1][0])
    .map(([k, s]) => [k, bytes.subarray(s[0], s[0] + s[1]).toString('utf8')]);
  check(want.length > 0 && JSON.stringify(shown.marks) === JSON.stringify(want),
    'the source, verb and target spans are highlighted on the right text', `${JSON.stringify(shown.marks)} vs ${JSON.stringify(want)}`);
  check(shown.focus === 'evidence-h', 'focus moves to the evidence panel');
  await page.keyboard.press('Escape');
  check(await page.isHidden('#evidence'), 'Escape closes the evidence panel');

  // ---- a period with no events of the dyad shows the empty state
  await page.fill('#q', 'zzqx-no-such-sentence');
  await page.waitForFunction(() => document.querySelector('[data-state="events"]').classList.contains('empty'), null, { timeout: 5000 });
  check(await page.$$eval('#event-table tbody tr', (r) => r.length) === 0, 'a search with no match shows the empty state');

  // ---- weekly periods: the change points of the index. The stability
  // answer is held back so that the watches arrive first: the strips must
  // still end up on the new chart's time axis.
  await page.route('**/api/stability?*', async (route) => {
    await sleep(400);
    await route.continue();
  });
  await page.selectOption('#period', 'week');
  await page.click('#controls button[type="submit"]');
  await idle();
  await page.unroute('**/api/stability?*');
  const weekly = await get(`/api/stability?${q({ period: 'week', from: health.from, to: health.to })}`);
  const cps = weekly.change_points.filter((c) => c.series === 'index');
  const weeklyWatch = await get(`/api/watches?${q({ period: 'week', from: health.from, to: health.to })}`);
  const weeklyStrips = await page.evaluate(() => window.stripsOnScreen());
  const wantWeekly = weeklyWatch.rules.filter((r) => r.status.length).map((r) => ({
    cells: r.status.length,
    broken: r.status.filter((c) => c.state === 'broken').length,
  }));
  check(JSON.stringify(weeklyStrips) === JSON.stringify(wantWeekly), 'the watch strips are redrawn for weekly periods',
    `${JSON.stringify(weeklyStrips)} vs ${JSON.stringify(wantWeekly)}`);
  const cpButtons = await page.$$eval('#changepoints button.cp', (bs) => bs.map((b) => b.textContent));
  check(cps.length > 0 && JSON.stringify(cpButtons) === JSON.stringify(cps.map((c) => `${c.direction === 'up' ? '▲' : '▼'} ${c.label}`)),
    'the change points of /api/stability are listed under the chart', `${cpButtons.length} buttons, ${cps.length} change points`);
  if (cps.length) {
    await page.click('#changepoints button.cp >> nth=0');
    await idle();
    const r = await page.evaluate(() => window.detente.state.range);
    check(r && r.start === cps[0].start, `a click on a change point picks its period (${cps[0].label})`, JSON.stringify(r));
    await shot('5-changepoints');
  }

  check(pageErrors.length === 0, 'no script error on the page', pageErrors.join(' | '));
  check(badRequests.length === 0, 'every API request of the page succeeded', badRequests.join(' | '));

  // ---- a failing API call shows the server's message in its panel
  await page.route('**/api/dyads?*', (route) => route.fulfill({
    status: 503,
    contentType: 'application/json',
    body: JSON.stringify({ error: { status: 503, message: 'store busy (injected by the test)' } }),
  }));
  await page.reload();
  await page.waitForFunction(() => document.querySelector('[data-state="network"]').classList.contains('error'), null, { timeout: 15000 });
  const netState = await page.textContent('[data-state="network"]');
  check(netState.includes('store busy (injected by the test)'), 'a failed request shows the server\'s error message', netState);
  await shot('6-error');
} catch (e) {
  failed++;
  console.log(`FAIL ${e.message}`);
} finally {
  if (browser) await browser.close();
  if (serverExit === null) server.kill('SIGTERM');
  await sleep(200);
  if (serverExit !== null && serverExit !== 0 && serverExit !== 'SIGTERM') {
    failed++;
    console.log(`FAIL the server exited with ${serverExit}: ${serverErr}`);
  }
}
console.log(`screenshots: ${ARTIFACTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
