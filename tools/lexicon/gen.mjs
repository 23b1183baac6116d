#!/usr/bin/env node
// Build-time generator for the detente tagger tables.
//
// Reads Brill's lexicon (npm `brill`, MIT), Brill's contextual rules as
// shipped in npm `en-pos` (MIT), and WordNet's index and exception files
// (Debian wordnet-base), and writes ONE C source with plain arrays:
//   - a string pool of lower-case words (NUL-terminated),
//   - per word: pool offset, length, tag lists (lower-case, Title-case and
//     ALL-CAPS spellings in Brill's lexicon are kept apart, because
//     "US"/"us", "May"/"may", "Will"/"will" tag differently), WordNet POS
//     bits, and the WordNet irregular base forms,
//   - the contextual rules, with tag names resolved to enum dt_pos.
// The hash table over the words is built once at dt_tagger_new; keeping it
// out of the C source keeps compile time low.
//
// Usage: node gen.mjs OUT.c [WORDNET_DIR]
import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
const wndir = process.argv[3] || '/usr/share/wordnet';
if (!out) {
  console.error('usage: node gen.mjs OUT.c [WORDNET_DIR]');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const {brill} = await import('brill');
const rulesFile = path.join(here, 'node_modules', 'en-pos', 'dist', 'smoothing', 'brill_rules.js');
const {rules} = require(rulesFile);

// Penn tag name -> enum dt_pos member (text.h).
const TAGS = {
  CC: 'CC', CD: 'CD', DT: 'DT', EX: 'EX', FW: 'FW', IN: 'IN', JJ: 'JJ', JJR: 'JJR', JJS: 'JJS',
  LS: 'LS', MD: 'MD', NN: 'NN', NNS: 'NNS', NNP: 'NNP', NNPS: 'NNPS', PDT: 'PDT', POS: 'POS',
  PRP: 'PRP', 'PRP$': 'PRPS', RB: 'RB', RBR: 'RBR', RBS: 'RBS', RP: 'RP', SYM: 'SYM', TO: 'TO',
  UH: 'UH', VB: 'VB', VBD: 'VBD', VBG: 'VBG', VBN: 'VBN', VBP: 'VBP', VBZ: 'VBZ', WDT: 'WDT',
  WP: 'WP', 'WP$': 'WPS', WRB: 'WRB', '#': 'HASH', $: 'DOLLAR', '``': 'OQUOTE', "''": 'CQUOTE',
  '(': 'LRB', ')': 'RRB', '-LRB-': 'LRB', '-RRB-': 'RRB', ',': 'COMMA', '.': 'PERIOD',
  ':': 'COLON', ';': 'COLON',
};
const tagEnum = (t) => (TAGS[t] ? 'DT_POS_' + TAGS[t] : null);

const isAscii = (s) => /^[\x21-\x7e]+$/.test(s);
const lower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const upper = (s) => s.replace(/[a-z]/g, (c) => c.toUpperCase());

// word (lower-case) -> {lists: [lower, title, upper] of tag enums, wn, exc: []}
const words = new Map();
function entry(w) {
  let e = words.get(w);
  if (!e) {
    e = {lists: [null, null, null], wn: 0, exc: []};
    words.set(w, e);
  }
  return e;
}

// --- Brill's lexicon -------------------------------------------------------
for (const [w, tags] of Object.entries(brill)) {
  if (!isAscii(w) || w.length > 60) continue;
  const lw = lower(w);
  const variant = w === lw ? 0 : w === upper(w) && /[A-Z]{2}/.test(w) ? 2 : 1;
  const list = [];
  for (const t of tags) {
    // Ambiguous corpus tags such as "JJ|IN" count for each of their parts.
    if (typeof t !== "string") continue;
    for (const part of t.split('|')) {
      const e = tagEnum(part);
      if (e && !list.includes(e)) list.push(e);
    }
  }
  if (!list.length) continue;
  const ent = entry(lw);
  const prev = ent.lists[variant];
  if (prev) {
    for (const e of list) if (!prev.includes(e)) prev.push(e);
  } else {
    ent.lists[variant] = list;
  }
}

// --- our own closed-class list (replaces the lower-case entry) ----------
for (const line of fs.readFileSync(path.join(here, 'closed.txt'), 'utf8').split('\n')) {
  const f = line.trim().split(/\s+/);
  if (!f[0] || (f[0] === '#' && f.length > 2) || f.length < 2) continue;
  if (f[0].startsWith('#') && f[0] !== '#') continue;
  const l = f.slice(1).map(tagEnum);
  if (l.some((e) => !e)) throw new Error('closed.txt: bad tag in: ' + line);
  const ent = entry(lower(f[0]));
  ent.lists[0] = l;
  // an ALL-CAPS or Title-case spelling of a function word is the same word
  if (ent.lists[2] && f[0] !== 'us') ent.lists[2] = null;
}

// --- WordNet ---------------------------------------------------------------
const WN_N = 1, WN_V = 2, WN_A = 4, WN_R = 8, WN_VDOM = 16;
const senses = new Map();
for (const [file, bit] of [['index.noun', WN_N], ['index.verb', WN_V], ['index.adj', WN_A],
                           ['index.adv', WN_R]]) {
  const text = fs.readFileSync(path.join(wndir, file), 'latin1');
  for (const line of text.split('\n')) {
    if (!line || line[0] === ' ') continue; // licence header lines start with spaces
    const f = line.split(' ');
    const w = f[0];
    if (w.includes('_') || !isAscii(w) || w.length > 60) continue;
    entry(w).wn |= bit;
    const nsyn = parseInt(f[2], 10) || 0;
    const s = senses.get(w) || {n: 0, v: 0};
    if (bit === WN_N) s.n = nsyn;
    if (bit === WN_V) s.v = nsyn;
    senses.set(w, s);
  }
}
for (const [w, s] of senses) if (s.v > s.n) entry(w).wn |= WN_VDOM;

// Irregular forms: inflected -> base, per word class (0 noun, 1 verb, 2 adj).
for (const [file, cls] of [['noun.exc', 0], ['verb.exc', 1], ['adj.exc', 2]]) {
  const text = fs.readFileSync(path.join(wndir, file), 'latin1');
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    if (f.length < 2) continue;
    const [infl, base] = f;
    if (infl.includes('_') || base.includes('_') || !isAscii(infl) || !isAscii(base)) continue;
    if (infl === base) continue;
    entry(base); // the base must be in the pool
    const e = entry(infl);
    if (!e.exc.some((x) => x.cls === cls)) e.exc.push({cls, base});
  }
}

// Clitics and contracted auxiliaries: our own list of their verb lemmas.
for (const [w, base] of [["'s", 'be'], ["'re", 'be'], ["'m", 'be'], ['am', 'be'],
                         ["'ve", 'have'], ["'d", 'would'], ["'ll", 'will'], ['wo', 'will'],
                         ['ca', 'can']]) {
  entry(base);
  const e = entry(w);
  e.exc = e.exc.filter((x) => x.cls !== 1);
  e.exc.push({cls: 1, base});
}

// Regular inflection (WordNet's "morphy" detachment rules), computed here
// once per word so the tagger never has to at run time: the base goes into
// the same list as the irregular forms. Only words whose base differs and
// is known to WordNet in that class get an entry.
const MORPH = [
  [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'],
   ['men', 'man'], ['ies', 'y']],
  [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'],
   ['ing', '']],
  [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e'], ['ier', 'y'], ['iest', 'y']],
];
const CLASSBIT = [WN_N, WN_V, WN_A];
const inClass = (w, cls) => words.has(w) && (words.get(w).wn & CLASSBIT[cls]) !== 0;
for (const [w, e] of [...words]) {
  for (let cls = 0; cls < 3; cls++) {
    if (e.exc.some((x) => x.cls === cls)) continue;
    let base = null;
    for (const [suf, add] of MORPH[cls]) {
      if (w.length <= suf.length + 1 || !w.endsWith(suf)) continue;
      const stem = w.slice(0, w.length - suf.length);
      if (inClass(stem + add, cls)) {
        base = stem + add;
        break;
      }
      // doubled final consonant: "planned" -> "plan", "hitting" -> "hit"
      if (cls === 1 && add === '' && stem.length >= 3 && stem.at(-1) === stem.at(-2) &&
          inClass(stem.slice(0, -1), cls)) {
        base = stem.slice(0, -1);
        break;
      }
    }
    if (base && base !== w) e.exc.push({cls, base});
  }
}

// --- Emit ------------------------------------------------------------------
const list = [...words.keys()].sort();
const index = new Map(list.map((w, i) => [w, i]));
const pool = [];
const offs = new Map();
let poolLen = 0;
for (const w of list) {
  offs.set(w, poolLen);
  pool.push(w);
  poolLen += Buffer.byteLength(w) + 1;
}

const cstr = (s) => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\?/g, '\\?') + '"';
const lines = [];
lines.push('/* GENERATED by tools/lexicon/gen.mjs from npm brill, npm en-pos and WordNet.');
lines.push(' * Do not edit; do not commit. */');
lines.push('#include "tag/tag_tables.h"', '');
// The pool as one array of chars in string-literal chunks.
lines.push(`const uint32_t dt__lex_pool_len = ${poolLen};`);
lines.push('const char dt__lex_pool[] =');
let chunk = '';
for (const w of pool) {
  chunk += w + '\0';
  if (chunk.length > 100) {
    lines.push('    ' + cstr(chunk).replace(/\0/g, '\\000'));
    chunk = '';
  }
}
if (chunk) lines.push('    ' + cstr(chunk).replace(/\0/g, '\\000'));
lines.push('    ;');

const taglist = [0]; // offset 0 = "no list"
const tagNames = new Map();
const tagOff = [];
const excList = [0, 0]; // offset 0 = none
const excOff = [];
for (const w of list) {
  const e = words.get(w);
  if (e.lists.every((l) => !l)) {
    tagOff.push(0);
  } else {
    tagOff.push(taglist.length);
    for (const l of e.lists) {
      taglist.push(l ? l.length : 0);
      if (l) for (const t of l) taglist.push(t);
    }
  }
  if (e.exc.length) {
    excOff.push(excList.length);
    for (const x of e.exc) excList.push(x.cls + 1, offs.get(x.base));
    excList.push(0, 0);
  } else {
    excOff.push(0);
  }
}
void tagNames;

const arr = (type, name, vals) => {
  lines.push(`const ${type} ${name}[] = {`);
  for (let i = 0; i < vals.length; i += 16) lines.push('    ' + vals.slice(i, i + 16).join(',') + ',');
  lines.push('};');
};
lines.push(`const uint32_t dt__lex_nwords = ${list.length};`);
arr('uint32_t', 'dt__lex_word', list.map((w) => offs.get(w)));
arr('uint8_t', 'dt__lex_wlen', list.map((w) => Buffer.byteLength(w)));
arr('uint8_t', 'dt__lex_wn', list.map((w) => words.get(w).wn));
arr('uint32_t', 'dt__lex_tags', tagOff);
arr('uint8_t', 'dt__lex_taglist', taglist);
arr('uint32_t', 'dt__lex_exc', excOff);
arr('uint32_t', 'dt__lex_exclist', excList);

// Contextual rules. Condition names follow Brill's original rule file.
const COND = {
  0: 'STARTWORD', 1: 'PREV1OR2TAG', 2: 'PREVTAG', 3: 'NEXTTAG', 4: 'NEXTTAG2', 41: 'PREVTAG2',
  5: 'PREVWORD', 51: 'PREVWORDPREVTAG', 6: 'CURRENTWD', 8: 'WDPREVTAG', 81: 'WDPREVWD',
  9: 'NEXT1OR2OR3TAG', 10: 'NEXTBIGRAM', 11: 'NEXT2WD', 12: 'WDNEXTTAG', 121: 'WDNEXTWD',
  13: 'PREV1OR2OR3TAG', 14: 'SURROUNDTAG', 141: 'SURROUNDTAGWD', 15: 'NEXTWD', 16: 'NEXT1OR2TAG',
  17: 'PREV2TAG', 171: 'NEXT2TAG', 172: 'PREV2TAGNEXTTAG', 18: 'NEXT1OR2WD', 19: 'PREV2WD',
  20: 'RBIGRAM', 21: 'PREV1OR2WD', 23: 'END', 24: 'PREV2WORDS',
};
// Which of c1..c3 are tags (the rest are words), per condition.
const TAGARGS = {
  PREV1OR2TAG: [1], PREVTAG: [1], NEXTTAG: [1], NEXTTAG2: [1], PREVTAG2: [1], PREVWORDPREVTAG: [2],
  WDPREVTAG: [1], NEXT1OR2OR3TAG: [1], WDNEXTTAG: [2], PREV1OR2OR3TAG: [1], SURROUNDTAG: [1, 2],
  SURROUNDTAGWD: [2, 3], NEXT1OR2TAG: [1], PREV2TAG: [1, 2], NEXT2TAG: [1, 2],
  PREV2TAGNEXTTAG: [1, 2, 3],
};
lines.push('const dt__lex_rule dt__lex_rules[] = {');
let nrules = 0;
for (const r of rules) {
  const cond = COND[r.type];
  const from = tagEnum(r.from), to = tagEnum(r.to);
  if (!cond || !from || !to) continue; // regex and empty rules are not used
  const tagArgs = TAGARGS[cond] || [];
  const a = [];
  let ok = true;
  for (const k of [1, 2, 3]) {
    const v = r['c' + k];
    if (tagArgs.includes(k)) {
      const e = tagEnum(v);
      if (!e) ok = false;
      a.push(e || '0');
    } else {
      a.push(v === undefined ? 'NULL' : cstr(upper(String(v))));
    }
  }
  if (!ok) continue;
  const tagOf = (k) => (tagArgs.includes(k) ? a[k - 1] : '0');
  const wordOf = (k) => (tagArgs.includes(k) ? 'NULL' : a[k - 1]);
  lines.push(`    {DT__R_${cond}, ${from}, ${to}, ${r.verify ? 1 : 0}, ${r.secondRun ? 1 : 0}, ` +
             `{${tagOf(1)}, ${tagOf(2)}, ${tagOf(3)}}, {${wordOf(1)}, ${wordOf(2)}, ${wordOf(3)}}},`);
  nrules++;
}
lines.push('};');
lines.push(`const uint32_t dt__lex_nrules = ${nrules};`);

const tmp = out + '.tmp';
fs.writeFileSync(tmp, lines.join('\n') + '\n');
fs.renameSync(tmp, out);
console.error(`gen.mjs: ${list.length} words, ${taglist.length} tag bytes, ${nrules} rules -> ${out}`);
