// detente dashboard: one page, four panels tied together by one selection
// (a period, and a dyad or an actor). Every panel loads on its own, shows
// its own loading, empty and error states, and cancels a stale request
// when the selection moves on.
import './style.css';
import { api } from './api.js';
import { timeChart, bars, QUAD_COLORS, QUAD_NAMES } from './charts.js';
import { drawNetwork, markPicked, dyadColor } from './network.js';
import { highlightSegments } from './spans.js';
import { periodEnd, toSeconds } from './periods.js';

const $ = (sel) => document.querySelector(sel);
const PAGE = 25;

const state = {
  from: '',
  to: '',
  period: 'month',
  range: null, // {from, to, label, start}: the picked period, or null for the whole range
  dyad: null, // {source, target}
  actor: null,
  q: '',
  cursors: [null], // cursor of each page seen so far; the last is the current page
  topDyad: null, // charted when nothing is picked
};

// Exposed for the end-to-end test (tests/web/e2e.mjs) and for debugging
// from the console; the page itself never reads it.
const dt = { state, charts: {}, cy: null, loaded: {} };
window.detente = dt;

const controllers = {};
function fresh(name) {
  if (controllers[name]) controllers[name].abort();
  controllers[name] = new AbortController();
  return controllers[name].signal;
}

/** Show a panel's state line: kind is 'loading', 'empty', 'error' or '' (hidden). */
function setState(name, kind, msg = '') {
  const p = document.querySelector(`[data-state="${name}"]`);
  p.className = `state ${kind}`;
  p.textContent = msg;
  p.hidden = !kind;
  p.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  p.closest('section').setAttribute('aria-busy', kind === 'loading' ? 'true' : 'false');
}

function fail(name, e) {
  if (e.name === 'AbortError') return true;
  setState(name, 'error', `Error: ${e.message}`);
  return true;
}

function el(tag, attrs = {}, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
    else if (k === 'class') n.className = v;
    else n.setAttribute(k, v === true ? '' : String(v));
  }
  n.append(...kids.filter((k) => k !== null && k !== undefined));
  return n;
}

const dyadLabel = (d) => `${d.source} → ${d.target}`;
const rangeFrom = () => (state.range ? state.range.from : state.from);
const rangeTo = () => (state.range ? state.range.to : state.to);
// The network's nodes and edges are exact actor codes (PRKGOV apart from
// PRK), so their charts and events are asked for with the exact pattern.
const exact = (code) => `=${code}`;

// ---------------------------------------------------------------- selection

function pickPeriod(row) {
  if (!row) {
    state.range = null;
  } else {
    const start = row.start;
    // row.period: a watch rule's own period, when it has one
    state.range = { start, from: start, to: periodEnd(start, row.period || state.period), label: row.label || start };
  }
  $('#pick').value = state.range ? state.range.start : '';
  redrawSelection();
  loadNetwork();
  reloadEvents();
}

function pickDyad(d) {
  state.dyad = d ? { source: d.source, target: d.target } : null;
  state.actor = null;
  markPicked(dt.cy, state.dyad, null);
  renderDyadList();
  loadDyad();
  reloadEvents();
}

function pickActor(code) {
  state.actor = code || null;
  state.dyad = null;
  markPicked(dt.cy, null, state.actor);
  renderDyadList();
  loadDyad();
  reloadEvents();
}

/** Redraw the shading of the picked period in every chart. */
function redrawSelection() {
  for (const u of Object.values(dt.charts)) if (u) u.redraw(false);
  document.querySelectorAll('.watch-cell').forEach((c) => {
    c.setAttribute('aria-pressed', String(!!state.range && c.dataset.start === state.range.start));
  });
  renderFilters();
}

// The "Selected" menu lists every period any chart has shown, so a period
// can be picked from the keyboard too.
const knownPeriods = new Map();
function addPeriods(rows) {
  for (const r of rows) knownPeriods.set(r.start, r.label || r.start);
  const sel = $('#pick');
  const keep = sel.value;
  sel.replaceChildren(el('option', { value: '' }, 'whole range'));
  for (const [start, label] of [...knownPeriods].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    sel.append(el('option', { value: start }, label));
  sel.value = keep;
}

/** The rows of periods that overlap the header's date range (the stability
 * and watch endpoints are asked for that range; this guards the edges). */
function inRange(rows) {
  return rows.filter((r) => (!state.to || r.start <= state.to) && (!state.from || periodEnd(r.start, state.period) >= state.from));
}

/** The x range of every chart: the whole date range, padded by half a bar. */
function xRange(rows) {
  const xs = rows.map((r) => toSeconds(r.start));
  const lo = state.from ? toSeconds(state.from) : xs[0];
  const hi = state.to ? toSeconds(state.to) : xs[xs.length - 1];
  const days = { day: 1, week: 7, month: 30.44, quarter: 91.31, year: 365.25 }[state.period] || 30.44;
  const pad = (days * 86400) / 2;
  return [lo - pad, hi + pad];
}

function chartSelIdx(rows) {
  return () => (state.range ? rows.findIndex((r) => r.start === state.range.start) : null);
}

// ---------------------------------------------------------------- health

async function loadHealth() {
  try {
    const h = await api('health');
    dt.loaded.health = h;
    $('#health').textContent = `${h.events.toLocaleString()} events · ${h.documents.toLocaleString()} documents · ${h.from || '?'} to ${h.to || '?'} · v${h.version}`;
    if (!state.from && h.from) state.from = h.from;
    if (!state.to && h.to) state.to = h.to;
    $('#from').value = state.from;
    $('#to').value = state.to;
    return h;
  } catch (e) {
    $('#health').textContent = 'Server not reachable';
    const g = $('#global-error');
    g.textContent = `Cannot load /api/health: ${e.message}`;
    g.hidden = false;
    return null;
  }
}

// ---------------------------------------------------------------- overview

function changePointPlugin(cps) {
  return {
    hooks: {
      draw: (u) => {
        const { ctx } = u;
        ctx.save();
        for (const cp of cps) {
          const x = u.valToPos(toSeconds(cp.start), 'x', true);
          if (x < u.bbox.left - 1 || x > u.bbox.left + u.bbox.width + 1) continue;
          const up = cp.direction === 'up';
          ctx.strokeStyle = up ? '#1a56db' : '#d97706';
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.fillStyle = ctx.strokeStyle;
          const s = 6 * devicePixelRatio;
          const y = u.bbox.top + s + 2;
          ctx.beginPath();
          if (up) {
            ctx.moveTo(x, y - s);
            ctx.lineTo(x - s, y + s * 0.6);
            ctx.lineTo(x + s, y + s * 0.6);
          } else {
            ctx.moveTo(x, y + s * 0.6);
            ctx.lineTo(x - s, y - s);
            ctx.lineTo(x + s, y - s);
          }
          ctx.fill();
        }
        ctx.restore();
      },
    },
  };
}

async function loadStability() {
  const signal = fresh('stability');
  setState('overview', 'loading', 'Loading the stability index…');
  try {
    const s = await api('stability', { period: state.period, from: state.from, to: state.to }, signal);
    dt.loaded.stability = s;
    const rows = inRange(s.rows || []);
    $('#region-name').textContent = s.region ? `· ${s.region} (${(s.actors || []).join(', ')})` : '';
    if (dt.charts.stability) dt.charts.stability.destroy();
    dt.charts.stability = null;
    if (!rows.length) {
      $('#stability-chart').replaceChildren();
      setState('overview', 'empty', 'No events in this region and range.');
    } else {
      setState('overview', '');
      addPeriods(rows);
      dt.charts.stability = timeChart($('#stability-chart'), {
        height: 200,
        data: [rows.map((r) => toSeconds(r.start)), rows.map((r) => r.index), rows.map((r) => r.events)],
        series: [
          { label: 'stability index', stroke: '#1f3b73', width: 2, points: { show: rows.length < 80 }, value: (u, v) => (v == null ? '' : v.toFixed(2)) },
          { label: 'events', stroke: '#b8c4d6', width: 1, scale: 'n', paths: bars(0.6), fill: 'rgba(150,170,200,0.25)' },
        ],
        scales: { n: { auto: true } },
        axes: [{}, { size: 44 }, { scale: 'n', side: 1, size: 36, grid: { show: false } }],
        // the watch strips take their x axis from this chart once it is
        // laid out (uPlot sizes and scales it after construction)
        plugins: [changePointPlugin(s.change_points || []), { hooks: { ready: () => renderWatches() } }],
        onPick: (i) => pickPeriod(rows[i]),
        selIdx: chartSelIdx(rows),
        xRange: xRange(rows),
      });
    }
    renderChangePoints(s.change_points || []); // the index's (dyads' are apart)
    renderWatches();
  } catch (e) {
    if (e.status === 404) {
      // the server has no --region: not an error of this page
      $('#region-name').textContent = '';
      $('#stability-chart').replaceChildren();
      renderChangePoints([]);
      setState('overview', 'empty', `No region: ${e.message}.`);
      renderWatches();
      return;
    }
    fail('overview', e);
    if (e.name !== 'AbortError') {
      $('#stability-chart').replaceChildren();
      renderChangePoints([]);
    }
  }
}

function renderChangePoints(cps) {
  const box = $('#changepoints');
  box.replaceChildren();
  if (!cps.length) return;
  box.append(el('span', { class: 'cp-title' }, 'Change points:'));
  for (const cp of cps) {
    const drivers = (cp.drivers || []).slice(0, 2).map((d) => `${d.source}→${d.target} ${d.delta > 0 ? '+' : ''}${Number(d.delta).toFixed(1)}`).join(', ');
    box.append(
      el('button', {
        type: 'button',
        class: `cp ${cp.direction}`,
        'aria-label': `Change point ${cp.label}, ${cp.direction}, magnitude ${Number(cp.magnitude).toFixed(2)} (${cp.method})${drivers ? `, drivers ${drivers}` : ''}; select this period`,
        title: drivers ? `drivers: ${drivers}` : cp.method,
        onclick: () => pickPeriod(cp),
      }, `${cp.direction === 'up' ? '▲' : '▼'} ${cp.label}`),
    );
  }
}

async function loadWatches() {
  const signal = fresh('watches');
  const box = $('#watches');
  dt.loaded.watches = null;
  box.replaceChildren(el('p', { class: 'state loading' }, 'Loading watches…'));
  try {
    dt.loaded.watches = await api('watches', { period: state.period, from: state.from, to: state.to }, signal);
    renderWatches();
  } catch (e) {
    if (e.name === 'AbortError') return;
    box.replaceChildren(el('p', { class: 'state error', role: 'alert' }, `Watches: ${e.message}`));
  }
}

/** One strip per rule, its cells placed on the stability chart's time axis
 * (when there is one) so that a broken period sits under its point. */
function renderWatches() {
  const w = dt.loaded.watches;
  if (!w) return;
  const box = $('#watches');
  box.replaceChildren();
  const rules = w.rules || [];
  if (!rules.length) {
    box.append(el('p', { class: 'state empty' }, 'No watch rules loaded (detente serve --watch FILE).'));
    return;
  }
  const u = dt.charts.stability;
  if (u && u.scales.x.min == null) return; // not laid out yet: its ready hook calls again
  let lo;
  let hi;
  let pad = { marginLeft: '0px', marginRight: '0px' };
  if (u) {
    lo = u.scales.x.min;
    hi = u.scales.x.max;
    const host = $('#stability-chart').getBoundingClientRect();
    const over = u.over.getBoundingClientRect();
    pad = { marginLeft: `${over.left - host.left}px`, marginRight: `${host.right - over.right}px` };
  }
  for (const r of rules) {
    const status = inRange(r.status || []);
    if (!status.length) continue;
    addPeriods(status);
    if (!u) [lo, hi] = xRange(status);
    const nbroken = status.filter((c) => c.state === 'broken').length;
    const strip = el('div', { class: 'strip', role: 'group', 'aria-label': `${r.name}: ${nbroken} of ${status.length} periods broken` });
    Object.assign(strip.style, pad);
    for (const c of status) {
      const t = toSeconds(c.start);
      // a rule may have its own period (summit-track: quarters)
      const width = toSeconds(periodEnd(c.start, r.period || state.period)) + 86400 - t;
      const cell = el('button', {
        type: 'button',
        class: `watch-cell ${c.state}`,
        'data-start': c.start,
        'aria-pressed': String(!!state.range && state.range.start === c.start),
        'aria-label': `${r.name} ${c.label}: ${c.state}${c.breaches ? `, ${c.breaches} breaches` : ''}`,
        title: `${c.label}: ${c.state}${c.breaches ? ` (${c.breaches} breaches)` : ''}`,
        onclick: () => pickPeriod({ ...c, period: r.period }),
      });
      cell.style.left = `${(100 * (t - width / 2 - lo)) / (hi - lo)}%`;
      cell.style.width = `${(100 * width) / (hi - lo)}%`;
      strip.append(cell);
    }
    box.append(el('div', { class: 'watch' },
      el('span', { class: 'watch-name', title: r.description || '' }, `${r.name}`, el('small', {}, ` · ${nbroken} of ${status.length} broken${r.description ? ` · ${r.description}` : ''}`)),
      strip));
  }
}

// ---------------------------------------------------------------- network

function renderDyadList() {
  const box = $('#dyad-list');
  const dyads = (dt.loaded.dyads || []).slice(0, 12);
  box.replaceChildren();
  for (const d of dyads) {
    const on = !!state.dyad && state.dyad.source === d.source && state.dyad.target === d.target;
    box.append(
      el('span', { role: 'listitem' },
        el('button', {
          type: 'button',
          class: 'dyad-btn',
          'aria-pressed': String(on),
          'aria-label': `Chart dyad ${d.source} to ${d.target}, ${d.events} events`,
          onclick: () => pickDyad(on ? null : d),
        }, el('span', { class: 'sw', style: `background:${dyadColor(d)}` }), `${d.source}→${d.target} `, el('small', {}, String(d.events)))),
    );
  }
  const actors = dt.loaded.actors || [];
  if (actors.length) {
    const sel = el('select', { 'aria-label': 'Chart one actor', onchange: (e) => pickActor(e.target.value) },
      el('option', { value: '' }, 'actor…'),
      ...actors.slice(0, 30).map((a) => el('option', { value: a.code, selected: a.code === state.actor }, `${a.code} (${a.events})`)));
    box.append(el('span', { role: 'listitem' }, sel));
  }
}

async function loadNetwork() {
  const signal = fresh('network');
  const from = rangeFrom();
  const to = rangeTo();
  $('#network-range').textContent = state.range ? `· ${state.range.label}` : `· ${from} to ${to}`;
  setState('network', 'loading', 'Loading the actor network…');
  try {
    const [a, d] = await Promise.all([
      api('actors', { from, to, limit: 40 }, signal),
      api('dyads', { from, to, limit: 60 }, signal),
    ]);
    dt.loaded.actors = a.actors || [];
    dt.loaded.dyads = d.dyads || [];
    if (dt.cy) dt.cy.destroy();
    dt.cy = null;
    const dyads = dt.loaded.dyads.filter((x) => x.target);
    if (!dyads.length) {
      $('#network-graph').replaceChildren();
      setState('network', 'empty', 'No dyads in this period.');
    } else {
      setState('network', '');
      dt.cy = drawNetwork($('#network-graph'), dt.loaded.actors, dyads, {
        onEdge: (x) => pickDyad(x),
        onNode: (c) => pickActor(c),
      });
      markPicked(dt.cy, state.dyad, state.actor);
    }
    renderDyadList();
    if (!state.topDyad && dyads.length) {
      state.topDyad = dyads[0];
      if (!state.dyad && !state.actor) loadDyad();
    }
  } catch (e) {
    fail('network', e);
  }
}

// ---------------------------------------------------------------- dyad charts

async function loadDyad() {
  const signal = fresh('dyad');
  const d = state.dyad || (state.actor ? null : state.topDyad);
  let params;
  let name;
  if (state.actor) {
    params = { source: exact(state.actor), undirected: 'true' };
    name = `· ${state.actor} (all its events, either side)`;
  } else if (d) {
    params = { source: exact(d.source), target: exact(d.target) };
    name = `· ${dyadLabel(d)}${state.dyad ? '' : ' (the top dyad; click the network to choose)'}`;
  } else {
    $('#dyad-name').textContent = '';
    setState('dyad', 'empty', 'Click an edge or a node of the actor network to chart it.');
    return;
  }
  $('#dyad-name').textContent = name;
  setState('dyad', 'loading', 'Loading the series…');
  try {
    const s = await api('series', { ...params, period: state.period, from: state.from, to: state.to }, signal);
    dt.loaded.series = s;
    const rows = s.rows || [];
    for (const k of ['balance', 'quad']) {
      if (dt.charts[k]) dt.charts[k].destroy();
      dt.charts[k] = null;
    }
    if (!rows.length) {
      $('#balance-chart').replaceChildren();
      $('#quad-chart').replaceChildren();
      setState('dyad', 'empty', 'No events for this selection in the range.');
      return;
    }
    setState('dyad', '');
    addPeriods(rows);
    const xs = rows.map((r) => toSeconds(r.start));
    const net = rows.map((r) => (r.net ?? r.goldstein));
    const fmt = (u, v) => (v == null ? '' : v.toFixed(1));
    // An empty right axis as wide as the stability chart's, so that the
    // plots of all three charts share one time axis on screen.
    const axes = [{}, { size: 44 }, { side: 1, size: 36, grid: { show: false }, ticks: { show: false }, values: () => [] }];
    const common = { onPick: (i) => pickPeriod(rows[i]), selIdx: chartSelIdx(rows), xRange: xRange(rows), axes };
    dt.charts.balance = timeChart($('#balance-chart'), {
      ...common,
      height: 150,
      data: [xs, net.map((v) => (v >= 0 ? v : null)), net.map((v) => (v < 0 ? v : null)), rows.map((r) => r.coop), rows.map((r) => -r.confl)],
      series: [
        { label: 'balance +', stroke: '#1e8449', fill: 'rgba(30,132,73,0.55)', paths: bars(), points: { show: false }, value: fmt },
        { label: 'balance −', stroke: '#c0392b', fill: 'rgba(192,57,43,0.55)', paths: bars(), points: { show: false }, value: fmt },
        { label: 'cooperation', stroke: '#52a36f', width: 1, dash: [4, 3], points: { show: false }, value: fmt },
        { label: 'conflict', stroke: '#d9776b', width: 1, dash: [4, 3], points: { show: false }, value: fmt },
      ],
    });
    // Stacked bars: each series is drawn as the running total up to its
    // class, largest first, so each visible band is one quad class; the
    // legend shows the class's own count.
    const cum = [3, 2, 1, 0].map((q) => rows.map((r) => r.quad.slice(0, q + 1).reduce((a, b) => a + b, 0)));
    dt.charts.quad = timeChart($('#quad-chart'), {
      ...common,
      height: 140,
      data: [xs, ...cum],
      series: [3, 2, 1, 0].map((q) => ({
        label: QUAD_NAMES[q],
        stroke: QUAD_COLORS[q],
        fill: QUAD_COLORS[q],
        paths: bars(),
        points: { show: false },
        value: (u, v, si, i) => (i == null ? '' : String(rows[i].quad[q])),
      })),
    });
  } catch (e) {
    fail('dyad', e);
  }
}

// ---------------------------------------------------------------- events

function renderFilters() {
  const box = $('#filters');
  box.replaceChildren();
  const chip = (text, label, clear) =>
    box.append(el('span', { class: 'chip' }, text, el('button', { type: 'button', 'aria-label': label, onclick: clear }, '×')));
  if (state.range) chip(`period ${state.range.label}`, `Clear the period filter ${state.range.label}`, () => pickPeriod(null));
  else box.append(el('span', { class: 'chip plain' }, `${state.from} to ${state.to}`));
  if (state.dyad) chip(`dyad ${dyadLabel(state.dyad)}`, `Clear the dyad filter ${dyadLabel(state.dyad)}`, () => pickDyad(null));
  if (state.actor) chip(`actor ${state.actor}`, `Clear the actor filter ${state.actor}`, () => pickActor(null));
  if (state.q) chip(`text “${state.q}”`, 'Clear the text filter', () => {
    $('#q').value = '';
    state.q = '';
    reloadEvents();
  });
}

function reloadEvents() {
  state.cursors = [null];
  renderFilters();
  loadEvents();
}

function eventQuery() {
  const p = { from: rangeFrom(), to: rangeTo(), limit: PAGE, q: state.q };
  if (state.dyad) {
    p.source = exact(state.dyad.source);
    p.target = exact(state.dyad.target);
  }
  if (state.actor) p.actor = exact(state.actor);
  return p;
}

async function loadEvents() {
  const signal = fresh('events');
  const tbody = $('#event-table tbody');
  const cursor = state.cursors[state.cursors.length - 1];
  setState('events', 'loading', 'Loading events…');
  $('#prev').disabled = true;
  $('#next').disabled = true;
  try {
    const r = await api('events', { ...eventQuery(), cursor }, signal);
    dt.loaded.events = r;
    const evs = r.events || [];
    tbody.replaceChildren();
    for (const ev of evs) {
      const tr = el('tr', {
        tabindex: '0',
        'data-id': ev.id,
        class: `q${ev.quad}`,
        'aria-label': `${ev.date} ${ev.source} to ${ev.target || 'no target'}, code ${ev.code}; open evidence`,
        onclick: () => openEvidence(ev, tr),
        onkeydown: (e) => rowKey(e, ev, tr),
      },
      el('td', {}, ev.date),
      el('td', {}, ev.source),
      el('td', {}, ev.target || '—'),
      el('td', { title: ev.plover || '' }, ev.code),
      el('td', {}, el('span', { class: `quad q${ev.quad}`, title: QUAD_NAMES[ev.quad - 1] || '' }, String(ev.quad))),
      el('td', { class: 'num' }, Number(ev.goldstein).toFixed(1)),
      el('td', { class: 'sentence' }, ev.text || ''));
      tbody.append(tr);
    }
    setState('events', evs.length ? '' : 'empty', evs.length ? '' : 'No events match this selection.');
    $('#page').textContent = `page ${state.cursors.length}${evs.length ? ` · ${evs.length} events` : ''}`;
    $('#prev').disabled = state.cursors.length <= 1;
    $('#next').disabled = !r.next_cursor;
    $('#next').dataset.cursor = r.next_cursor || '';
  } catch (e) {
    if (e.name === 'AbortError') return;
    tbody.replaceChildren();
    fail('events', e);
    $('#prev').disabled = state.cursors.length <= 1;
  }
}

function rowKey(e, ev, tr) {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    openEvidence(ev, tr);
  } else if (e.key === 'ArrowDown' && tr.nextElementSibling) {
    e.preventDefault();
    tr.nextElementSibling.focus();
  } else if (e.key === 'ArrowUp' && tr.previousElementSibling) {
    e.preventDefault();
    tr.previousElementSibling.focus();
  }
}

// ---------------------------------------------------------------- evidence

let evidenceReturn = null;

function openEvidence(ev, tr) {
  evidenceReturn = tr;
  document.querySelectorAll('#event-table tr.open').forEach((r) => r.classList.remove('open'));
  if (tr) tr.classList.add('open');
  const body = $('#evidence-body');
  const sentence = el('p', { id: 'evidence-text', class: 'evidence-text', 'data-id': ev.id });
  for (const seg of highlightSegments(ev.text || '', ev.spans || {})) {
    sentence.append(seg.kind ? el('mark', { class: seg.kind, title: seg.kind }, seg.text) : seg.text);
  }
  const row = (k, v) => [el('dt', {}, k), el('dd', {}, v)];
  body.replaceChildren(
    el('p', { class: 'evidence-title' }, `${ev.source} → ${ev.target || '—'} · ${ev.code}${ev.plover ? ` ${ev.plover}` : ''}`),
    sentence,
    el('p', { class: 'span-legend', 'aria-hidden': 'true' },
      el('mark', { class: 'source' }, 'source'), ' ', el('mark', { class: 'verb' }, 'verb'), ' ', el('mark', { class: 'target' }, 'target')),
    el('dl', {},
      ...row('date', ev.date),
      ...row('document', `${ev.doc_id} · sentence ${ev.sentence}`),
      ...row('event', `#${ev.id} · root ${ev.root} · quad ${ev.quad} (${QUAD_NAMES[ev.quad - 1] || '?'}) · Goldstein ${ev.goldstein}`),
      ...row('pattern', ev.pattern || '—'),
      ...row('dictionary', ev.dict || '—')),
  );
  const panel = $('#evidence');
  panel.hidden = false;
  document.body.classList.add('with-evidence');
  $('#evidence-h').focus();
}

function closeEvidence() {
  $('#evidence').hidden = true;
  document.body.classList.remove('with-evidence');
  document.querySelectorAll('#event-table tr.open').forEach((r) => r.classList.remove('open'));
  if (evidenceReturn && document.contains(evidenceReturn)) evidenceReturn.focus();
}

// ---------------------------------------------------------------- wiring

function loadAll() {
  state.topDyad = null;
  knownPeriods.clear();
  addPeriods([]);
  renderFilters();
  loadStability();
  loadWatches();
  loadNetwork();
  loadDyad();
  reloadEvents();
}

$('#controls').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = $('#from').value;
  const t = $('#to').value;
  if (f && t && f > t) {
    const g = $('#global-error');
    g.textContent = `The range is empty: ${f} is after ${t}.`;
    g.hidden = false;
    return;
  }
  $('#global-error').hidden = true;
  state.from = f;
  state.to = t;
  state.period = $('#period').value;
  state.range = null;
  loadAll();
});
$('#pick').addEventListener('change', (e) => {
  const start = e.target.value;
  pickPeriod(start ? { start, label: knownPeriods.get(start) } : null);
});
let qTimer = 0;
$('#q').addEventListener('input', (e) => {
  clearTimeout(qTimer);
  qTimer = setTimeout(() => {
    state.q = e.target.value.trim();
    reloadEvents();
  }, 250);
});
$('#next').addEventListener('click', () => {
  const c = $('#next').dataset.cursor;
  if (!c) return;
  state.cursors.push(c);
  loadEvents();
});
$('#prev').addEventListener('click', () => {
  if (state.cursors.length > 1) state.cursors.pop();
  loadEvents();
});
$('#evidence-close').addEventListener('click', closeEvidence);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !$('#evidence').hidden) closeEvidence();
});

(async () => {
  await loadHealth();
  loadAll();
})();
