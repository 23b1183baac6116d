// Period arithmetic on "YYYY-MM-DD" strings, in UTC so that a user's time
// zone never shifts a period by a day.

export const PERIODS = ['day', 'week', 'month', 'quarter', 'year'];

export function parseDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
}

export function formatDate(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Seconds since the epoch (uPlot's time axis) of a "YYYY-MM-DD" date. */
export function toSeconds(s) {
  return parseDate(s) / 1000;
}

/** The last day (inclusive) of the period of kind `period` starting at `start`. */
export function periodEnd(start, period) {
  const t = parseDate(start);
  if (Number.isNaN(t)) return start;
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (period) {
    case 'day':
      return start;
    case 'week':
      return formatDate(t + 6 * 86400000);
    case 'quarter':
      return formatDate(Date.UTC(y, m + 3, 1) - 86400000);
    case 'year':
      return formatDate(Date.UTC(y + 1, 0, 1) - 86400000);
    default:
      return formatDate(Date.UTC(y, m + 1, 1) - 86400000);
  }
}
