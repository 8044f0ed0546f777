/**
 * ISO-8601 timestamps with a zone, as rigs send `startedAt`: the extended format of RFC 3339,
 * `YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH[:MM]|±HHMM)`. `T` and `Z` may be lower case (RFC 3339 allows
 * it); the fraction has 1 to 9 digits (PostgreSQL keeps microseconds). Leap seconds (`:60`), `24:00`,
 * week or ordinal dates and local times without a zone are refused: a test's start must be one instant.
 * Parsed by hand (no Date.parse, whose accepted forms vary and which silently takes local times).
 */

export interface ParsedTimestamp {
  /** Whole seconds since 1970-01-01T00:00:00Z (the fraction is not included). */
  epochSeconds: number;
  /** Fraction digits after the second with trailing zeros removed ('' for none): exact to the nanosecond. */
  fraction: string;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** The instant of an ISO-8601 timestamp with zone, or null when `s` is not one. */
export function parseTimestamp(s: string): ParsedTimestamp | null {
  const len = s.length;
  if (len < 17 || len > 40) return null;
  // YYYY-MM-DDTHH:MM
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const t = s.charCodeAt(10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (t !== 84 && t !== 116) || s.charCodeAt(13) !== 58) return null;
  const dim = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day > dim) return null;
  let i = 16;
  let second = 0;
  let fraction = '';
  if (s.charCodeAt(i) === 58) {
    second = digits(s, i + 1, 2);
    if (second < 0 || second > 59) return null;
    i += 3;
    if (s.charCodeAt(i) === 46) {
      const start = i + 1;
      let end = start;
      while (end < len && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++;
      if (end === start || end - start > 9) return null;
      let last = end;
      while (last > start && s.charCodeAt(last - 1) === 48) last--;
      fraction = s.slice(start, last);
      i = end;
    }
  }
  // zone
  let offsetMinutes = 0;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) {
    if (i + 1 !== len) return null;
  } else if (z === 43 || z === 45) {
    const oh = digits(s, i + 1, 2);
    let om = 0;
    const rest = len - (i + 3);
    if (rest === 3 && s.charCodeAt(i + 3) === 58) om = digits(s, i + 4, 2);
    else if (rest === 2) om = digits(s, i + 3, 2);
    else if (rest !== 0) return null;
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
    offsetMinutes = (z === 45 ? -1 : 1) * (oh * 60 + om);
  } else {
    return null;
  }
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0..99 to 1900..1999; such dates are refused rather than mis-dated.
  if (year < 100 || !Number.isFinite(epochMs)) return null;
  return { epochSeconds: epochMs / 1000 - offsetMinutes * 60, fraction };
}

/** Milliseconds since the epoch (sub-millisecond digits truncated), or NaN when `s` is not a valid timestamp. */
export function timestampEpochMs(s: string): number {
  const p = parseTimestamp(s);
  if (p === null) return NaN;
  return p.epochSeconds * 1000 + Number(`${p.fraction}000`.slice(0, 3));
}
