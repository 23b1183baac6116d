// Evidence spans are [offset, length] in BYTES of the UTF-8 sentence (that
// is what the coder measures), while JavaScript strings index UTF-16 code
// units. Slicing the string with byte offsets would misplace every span
// after the first non-ASCII character ("Moon Jae-in’s", "Kim Jong-un’s"),
// so the text is encoded once and sliced as bytes.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** Move a byte offset back to the first byte of the character it is in. */
function charStart(bytes, off) {
  while (off > 0 && off < bytes.length && (bytes[off] & 0xc0) === 0x80) off--;
  return off;
}

/**
 * Split `text` into segments for highlighting.
 * @param {string} text the sentence
 * @param {Object<string, ?number[]>} spans kind -> [byteOffset, byteLength] or null
 * @returns {{text: string, kind: ?string}[]} segments in order; their texts
 *   concatenate to `text`. Spans that are malformed, out of range or overlap
 *   an earlier span are left out rather than guessed at.
 */
export function highlightSegments(text, spans) {
  const bytes = encoder.encode(text || '');
  const marks = [];
  for (const [kind, s] of Object.entries(spans || {})) {
    if (!Array.isArray(s) || s.length !== 2) continue;
    const [off, len] = s;
    if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len <= 0) continue;
    if (off + len > bytes.length) continue;
    const a = charStart(bytes, off);
    const b = charStart(bytes, off + len);
    if (b > a) marks.push({ kind, a, b });
  }
  marks.sort((x, y) => x.a - y.a || y.b - x.b);
  const out = [];
  let pos = 0;
  for (const m of marks) {
    if (m.a < pos) continue; // overlaps the previous span
    if (m.a > pos) out.push({ text: decoder.decode(bytes.subarray(pos, m.a)), kind: null });
    out.push({ text: decoder.decode(bytes.subarray(m.a, m.b)), kind: m.kind });
    pos = m.b;
  }
  if (pos < bytes.length || out.length === 0)
    out.push({ text: decoder.decode(bytes.subarray(pos)), kind: null });
  return out;
}

/** The text of one span, or '' when it is absent or out of range. */
export function spanText(text, span) {
  const seg = highlightSegments(text, { x: span }).find((s) => s.kind === 'x');
  return seg ? seg.text : '';
}
