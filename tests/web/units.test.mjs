// Unit tests of the dashboard's pure helpers (run by tests/web.cmake with
// `node --test`): evidence spans are UTF-8 byte offsets and must land on the
// right characters in a JavaScript (UTF-16) string; period ends are UTC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { highlightSegments, spanText } from '../../web/src/spans.js';
import { periodEnd } from '../../web/src/periods.js';

// [byte offset, byte length] of `needle` in `text`, measured on the bytes.
function byteSpan(text, needle) {
  const bytes = Buffer.from(text, 'utf8');
  const off = bytes.indexOf(Buffer.from(needle, 'utf8'));
  assert.ok(off >= 0, `${needle} not in ${text}`);
  return [off, Buffer.byteLength(needle, 'utf8')];
}

test('spans after multi-byte characters land on the right words', () => {
  const text = 'Moon Jae-in’s envoy — “a new era” — met Kim Jong-un in Pyongyang 🇰🇵.';
  const spans = {
    source: byteSpan(text, 'Moon Jae-in’s envoy'),
    verb: byteSpan(text, 'met'),
    target: byteSpan(text, 'Kim Jong-un'),
  };
  const segs = highlightSegments(text, spans);
  assert.equal(segs.map((s) => s.text).join(''), text);
  assert.deepEqual(
    segs.filter((s) => s.kind).map((s) => [s.kind, s.text]),
    [['source', 'Moon Jae-in’s envoy'], ['verb', 'met'], ['target', 'Kim Jong-un']],
  );
  // UTF-16 indexing would be off by the extra bytes of ’ — “ ” (2 each).
  assert.notEqual(text.slice(spans.target[0], spans.target[0] + spans.target[1]), 'Kim Jong-un');
});

test('a target span before the source span is still ordered', () => {
  const text = 'Pyongyang was visited by Xi Jinping.';
  const segs = highlightSegments(text, {
    source: byteSpan(text, 'Xi Jinping'),
    verb: byteSpan(text, 'visited'),
    target: byteSpan(text, 'Pyongyang'),
  });
  assert.deepEqual(segs.map((s) => s.kind), ['target', null, 'verb', null, 'source', null]);
});

test('missing, malformed, out-of-range and overlapping spans are left out', () => {
  const text = 'Seoul protested.';
  const segs = highlightSegments(text, {
    source: [0, 5],
    verb: null,
    target: [6, 100],
    extra: [2, 4],
    bad: ['x', 1],
    empty: [3, 0],
  });
  assert.deepEqual(segs, [
    { text: 'Seoul', kind: 'source' },
    { text: ' protested.', kind: null },
  ]);
  assert.deepEqual(highlightSegments('', {}), [{ text: '', kind: null }]);
});

test('an offset inside a multi-byte character snaps to its start', () => {
  const text = 'é-Kim';
  // byte 1 is the continuation byte of é
  assert.equal(spanText(text, [1, 1]), 'é');
  assert.equal(spanText(text, byteSpan(text, 'Kim')), 'Kim');
});

test('period ends are inclusive and calendar-correct', () => {
  assert.equal(periodEnd('2019-06-01', 'month'), '2019-06-30');
  assert.equal(periodEnd('2020-02-01', 'month'), '2020-02-29');
  assert.equal(periodEnd('2019-02-01', 'month'), '2019-02-28');
  assert.equal(periodEnd('2019-10-01', 'quarter'), '2019-12-31');
  assert.equal(periodEnd('2019-06-17', 'week'), '2019-06-23');
  assert.equal(periodEnd('2019-01-01', 'year'), '2019-12-31');
  assert.equal(periodEnd('2019-06-20', 'day'), '2019-06-20');
});
