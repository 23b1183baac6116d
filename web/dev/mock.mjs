// Development only: a stand-in for `detente serve` that answers the API of
// docs/api.md from a JSONL file written by `detente code`, so the dashboard
// can be worked on before or without the real server. The tests never use
// it (tests/web/e2e.mjs drives the real server). Stability and watch
// answers are rough imitations, not the real algorithms.
//   node dev/mock.mjs EVENTS.jsonl [PORT]    then  DT_API=http://127.0.0.1:PORT npm run dev
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const [file, portArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node dev/mock.mjs EVENTS.jsonl [PORT]');
  process.exit(1);
}
const port = Number(portArg || 8081);
const events = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line, i) => {
    const e = JSON.parse(line);
    const ev = e.evidence || {};
    const base = ev.sentence_span ? ev.sentence_span[0] : 0;
    const rel = (s) => (s ? [s[0] - base, s[1]] : null);
    return {
      id: i + 1, date: e.date, doc_id: e.doc_id, sentence: e.sentence, source: e.source,
      target: e.target || '', code: e.code, root: Number(e.root), quad: e.quad,
      goldstein: e.goldstein, plover: e.plover || '', text: ev.text || '',
      spans: { source: rel(ev.source_span), verb: rel(ev.verb_span), target: rel(ev.target_span) },
      pattern: ev.pattern || '', dict: ev.dict || '',
    };
  });

const match = (pat, code) => {
  if (!pat) return false;
  if (pat.startsWith('=')) return code === pat.slice(1);
  if (pat.startsWith(':')) return code.slice(3).match(/.../g)?.includes(pat.slice(1)) ?? false;
  if (pat.includes('*') || pat.includes('?'))
    return new RegExp(`^${pat.replace(/[*]/g, '.*').replace(/[?]/g, '.')}$`).test(code);
  return code.startsWith(pat);
};
const anyMatch = (list, code) => !list || list.split(',').some((p) => match(p, code));

function filter(q) {
  return events.filter((e) =>
    (!q.from || e.date >= q.from) && (!q.to || e.date <= q.to) &&
    anyMatch(q.source, e.source) && anyMatch(q.target, e.target) &&
    (!q.actor || anyMatch(q.actor, e.source) || anyMatch(q.actor, e.target)) &&
    (!q.code || q.code.split(',').some((c) => e.code.startsWith(c))) &&
    (!q.quad || q.quad.split(',').includes(String(e.quad))) &&
    (!q.q || e.text.toLowerCase().includes(q.q.toLowerCase())));
}

function periodStart(date, period) {
  const [y, m, d] = date.split('-').map(Number);
  if (period === 'day') return date;
  if (period === 'year') return `${y}-01-01`;
  if (period === 'quarter') return `${y}-${String(3 * Math.floor((m - 1) / 3) + 1).padStart(2, '0')}-01`;
  if (period === 'week') {
    const t = Date.UTC(y, m - 1, d);
    const dow = (new Date(t).getUTCDay() + 6) % 7;
    return new Date(t - dow * 86400000).toISOString().slice(0, 10);
  }
  return `${y}-${String(m).padStart(2, '0')}-01`;
}
const label = (s, p) => (p === 'month' ? s.slice(0, 7) : p === 'year' ? s.slice(0, 4) : p === 'quarter' ? `${s.slice(0, 4)}-Q${(Number(s.slice(5, 7)) + 2) / 3}` : s);

function series(evs, period) {
  const rows = new Map();
  for (const e of evs) {
    const s = periodStart(e.date, period);
    let r = rows.get(s);
    if (!r) rows.set(s, (r = { start: s, label: label(s, period), events: 0, quad: [0, 0, 0, 0], goldstein: 0, coop: 0, confl: 0 }));
    r.events++;
    r.quad[e.quad - 1]++;
    r.goldstein += e.goldstein;
    if (e.goldstein > 0) r.coop += e.goldstein; else r.confl -= e.goldstein;
  }
  return [...rows.values()].sort((a, b) => (a.start < b.start ? -1 : 1))
    .map((r) => ({ ...r, net: r.coop - r.confl, gold_mean: r.goldstein / r.events }));
}

function answer(path, q) {
  switch (path) {
    case '/api/health':
      return { status: 'ok', version: 'mock', events: events.length, documents: new Set(events.map((e) => e.doc_id)).size, from: events.reduce((a, e) => (e.date < a ? e.date : a), '9999'), to: events.reduce((a, e) => (e.date > a ? e.date : a), '0000') };
    case '/api/events': {
      const all = filter(q);
      const off = Number(q.cursor || 0);
      const lim = Math.min(Number(q.limit || 100), 1000);
      return { events: all.slice(off, off + lim), next_cursor: off + lim < all.length ? String(off + lim) : null };
    }
    case '/api/actors': {
      const m = new Map();
      for (const e of filter(q)) {
        for (const [c, k] of [[e.source, 'as_source'], [e.target, 'as_target']]) {
          if (!c) continue;
          const a = m.get(c) || { code: c, events: 0, as_source: 0, as_target: 0 };
          a.events++; a[k]++; m.set(c, a);
        }
      }
      return { actors: [...m.values()].sort((a, b) => b.events - a.events).slice(0, Number(q.limit || 50)) };
    }
    case '/api/dyads': {
      const m = new Map();
      for (const e of filter(q)) {
        if (!e.target) continue;
        const k = `${e.source}|${e.target}`;
        const d = m.get(k) || { source: e.source, target: e.target, events: 0, goldstein: 0, coop: 0, confl: 0, quad: [0, 0, 0, 0] };
        d.events++; d.goldstein += e.goldstein; d.quad[e.quad - 1]++;
        if (e.goldstein > 0) d.coop += e.goldstein; else d.confl -= e.goldstein;
        m.set(k, d);
      }
      return { dyads: [...m.values()].sort((a, b) => b.events - a.events).slice(0, Number(q.limit || 50)) };
    }
    case '/api/series': {
      const period = q.period || 'month';
      let evs;
      if (q.undirected === 'true' || q.undirected === '1')
        evs = events.filter((e) => (anyMatch(q.source, e.source) && anyMatch(q.target, e.target)) || (anyMatch(q.source, e.target) && anyMatch(q.target, e.source)));
      else evs = filter({ source: q.source, target: q.target });
      evs = evs.filter((e) => (!q.from || e.date >= q.from) && (!q.to || e.date <= q.to));
      return { period, source: (q.source || '').split(','), target: (q.target || '').split(','), undirected: !!q.undirected, rows: series(evs, period) };
    }
    case '/api/stability': {
      const period = q.period || 'month';
      const rows = series(events.filter((e) => ['PRK', 'KOR', 'USA', 'CHN', 'JPN', 'RUS'].some((p) => e.source.startsWith(p))), period)
        .map((r) => ({ start: r.start, label: r.label, index: (r.coop - r.confl) / (r.coop + r.confl || 1), balance: r.net, material_conflict_share: r.quad[3] / r.events, volatility: 0, events: r.events }));
      const cps = [];
      for (let i = 2; i < rows.length; i++) {
        const d = rows[i].index - rows[i - 1].index;
        if (Math.abs(d) > 1.2) cps.push({ start: rows[i].start, label: rows[i].label, direction: d > 0 ? 'up' : 'down', magnitude: Math.abs(d), method: 'cusum', drivers: [] });
      }
      return { region: 'korea (mock)', period, actors: ['PRK', 'KOR', 'USA', 'CHN', 'JPN', 'RUS'], rows, change_points: cps };
    }
    case '/api/watches': {
      const period = q.period || 'month';
      const broken = events.filter((e) => e.source.startsWith('PRK') && e.quad === 4);
      const rows = series(events, period).map((r) => {
        const n = broken.filter((e) => periodStart(e.date, period) === r.start).length;
        return { start: r.start, label: r.label, state: n ? 'broken' : 'held', breaches: n };
      });
      return { period, rules: [{ name: 'no-prk-force', description: 'PRK uses no material conflict (mock)', status: rows, breaches: broken.map((e) => ({ rule: 'no-prk-force', clause: 1, event: e })) }] };
    }
    default:
      return null;
  }
}

createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const body = answer(url.pathname, Object.fromEntries(url.searchParams));
  res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body || { error: { status: 404, message: `no such endpoint ${url.pathname}` } }));
}).listen(port, '127.0.0.1', () => console.log(`mock API on http://127.0.0.1:${port}`));
