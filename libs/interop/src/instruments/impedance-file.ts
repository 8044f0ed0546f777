/**
 * Impedance spectra from the text files lab potentiostats export. Every parser returns the spectrum in
 * the MES's convention: Z = zRe + j zIm in ohms (zIm negative for a capacitive cell), frequencies in
 * Hz, highest frequency first, as the line's rigs post them. A file the parser cannot read is refused
 * with an ImpedanceFileError naming the file, the line and what was expected.
 */

export type ImpedanceFormat =
  'gamry-dta' | 'biologic-mpt' | 'zplot-z' | 'autolab-txt' | 'versastudio-par' | 'parstat-txt' | 'powersuite-txt' | 'chi-txt' | 'csv';

export const IMPEDANCE_FORMATS: readonly ImpedanceFormat[] = [
  'gamry-dta',
  'biologic-mpt',
  'zplot-z',
  'autolab-txt',
  'versastudio-par',
  'parstat-txt',
  'powersuite-txt',
  'chi-txt',
  'csv',
];

export interface LabSpectrum {
  file: string;
  format: ImpedanceFormat;
  freqHz: number[];
  zRe: number[];
  zIm: number[];
}

export class ImpedanceFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(`${file}${line === null ? '' : `, line ${line}`}: ${reason}`);
    this.name = 'ImpedanceFileError';
  }
}

interface Point {
  f: number;
  re: number;
  im: number;
  line: number;
}

/** Splits text into lines (CRLF, LF or CR) without a trailing empty line; a BOM is dropped. */
function linesOf(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A number as instruments write it: a decimal comma is accepted where the field separator is not a comma. */
function parseNumber(raw: string, commaDecimal: boolean): number {
  const s = (commaDecimal ? raw.replace(',', '.') : raw).trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return NaN;
  return Number(s);
}

/** Checks, orders (highest frequency first) and returns the points; refuses duplicates and bad values. */
function finish(file: string, format: ImpedanceFormat, points: Point[], minPoints = 3): LabSpectrum {
  if (points.length < minPoints)
    throw new ImpedanceFileError(file, null, `${points.length} impedance points, expected at least ${minPoints}`);
  const seen = new Map<number, number>();
  for (const p of points) {
    if (!(Number.isFinite(p.f) && p.f > 0)) throw new ImpedanceFileError(file, p.line, `frequency ${p.f} Hz: expected a positive number`);
    if (!Number.isFinite(p.re) || !Number.isFinite(p.im))
      throw new ImpedanceFileError(file, p.line, `impedance ${p.re}, ${p.im}: expected finite numbers`);
    const first = seen.get(p.f);
    if (first !== undefined)
      throw new ImpedanceFileError(file, p.line, `frequency ${p.f} Hz again (first on line ${first}): expected one sweep per file`);
    seen.set(p.f, p.line);
  }
  const sorted = [...points].sort((a, b) => b.f - a.f);
  return { file, format, freqHz: sorted.map((p) => p.f), zRe: sorted.map((p) => p.re), zIm: sorted.map((p) => p.im) };
}

/** Locates named columns in a header; refuses a header without them and says which columns it has. */
function findColumns(
  file: string,
  line: number,
  header: string[],
  wanted: Record<string, RegExp[]>,
): Record<string, { index: number; name: string }> {
  const found: Record<string, { index: number; name: string }> = {};
  for (const [key, patterns] of Object.entries(wanted)) {
    const index = header.findIndex((h) => patterns.some((p) => p.test(h.trim())));
    if (index < 0)
      throw new ImpedanceFileError(
        file,
        line,
        `no ${key} column: expected one of ${patterns.map((p) => p.source).join(' | ')}; the header has ${header.map((h) => `"${h.trim()}"`).join(', ')}`,
      );
    found[key] = { index, name: header[index].trim() };
  }
  return found;
}

/** Reads data rows of a delimited table until the first blank line (or the end); a short or unreadable row is refused. */
function readRows(
  file: string,
  lines: string[],
  start: number,
  split: (line: string) => string[],
  commaDecimal: boolean,
  cols: { f: number; re: number; im: number; imSign: number },
  stop: (line: string) => boolean = (l) => l.trim() === '',
  header?: string[],
  skipBlank = false,
): Point[] {
  const points: Point[] = [];
  // A row with fewer fields than the header names was cut off (a file that ends mid-row), even where
  // the three values needed are there.
  const named = header ? header.length - [...header].reverse().findIndex((h) => h.trim() !== '') : 0;
  const needed = Math.max(cols.f + 1, cols.re + 1, cols.im + 1, header ? named : 0);
  for (let i = start; i < lines.length; i++) {
    if (stop(lines[i])) break;
    if (skipBlank && lines[i].trim() === '') continue;
    const fields = split(lines[i]);
    const present = fields.length - [...fields].reverse().findIndex((f) => f.trim() !== '');
    if (present < needed)
      throw new ImpedanceFileError(file, i + 1, `${present} fields, expected ${needed} as the header names (a truncated row?)`);
    const [f, re, im] = [fields[cols.f], fields[cols.re], fields[cols.im]].map((v) => parseNumber(v, commaDecimal));
    for (const [v, raw, what] of [
      [f, fields[cols.f], 'frequency'],
      [re, fields[cols.re], "Z'"],
      [im, fields[cols.im], "Z''"],
    ] as const) {
      if (Number.isNaN(v)) throw new ImpedanceFileError(file, i + 1, `${what} "${raw.trim()}" is not a number`);
    }
    points.push({ f, re, im: cols.imSign * im, line: i + 1 });
  }
  return points;
}

const tabs = (l: string): string[] => l.split('\t');

/**
 * Gamry Framework .DTA: tagged header lines, then `ZCURVE TABLE`, a row of column names (Pt Time Freq
 * Zreal Zimag ...), a row of units, and tab-indented data rows. Zimag is Im(Z). An aborted run simply
 * has fewer rows.
 */
export function parseGamryDta(text: string, file = 'file.DTA'): LabSpectrum {
  const lines = linesOf(text);
  const at = lines.findIndex((l) => /^ZCURVE\tTABLE\b/.test(l));
  if (at < 0) {
    const kind = lines[0]?.trim() === 'EXPLAIN' ? 'a Gamry file without an impedance table' : 'not a Gamry file';
    throw new ImpedanceFileError(file, null, `no "ZCURVE<TAB>TABLE" line (${kind}): expected a Gamry EIS .DTA file`);
  }
  if (at + 2 >= lines.length) throw new ImpedanceFileError(file, at + 1, 'the ZCURVE table ends before its column names and units');
  const header = tabs(lines[at + 1]);
  const cols = findColumns(file, at + 2, header, { frequency: [/^Freq$/], "Z'": [/^Zreal$/], "Z''": [/^Zimag$/] });
  const commaDecimal = /\d,\d/.test(lines[at + 3] ?? '');
  // Data rows are indented by a tab; the next tag line (no indent) ends the table.
  const points = readRows(
    file,
    lines,
    at + 3,
    tabs,
    commaDecimal,
    { f: cols.frequency.index, re: cols["Z'"].index, im: cols["Z''"].index, imSign: 1 },
    (l) => !/^\s/.test(l) || l.trim() === '',
    header,
  );
  return finish(file, 'gamry-dta', points);
}

/**
 * BioLogic EC-Lab .mpt (ASCII export): `EC-Lab ASCII FILE`, `Nb header lines : N`, N - 3 more header
 * lines of which the last names the tab-separated columns. Exports without the header start with the
 * column names. Columns by name: freq/Hz, Re(Z)/Ohm and -Im(Z)/Ohm (sign flipped) or Im(Z)/Ohm; decimal
 * commas as a French or German Windows writes them.
 */
export function parseBiologicMpt(text: string, file = 'file.mpt'): LabSpectrum {
  const lines = linesOf(text);
  let headerAt = 0;
  if (/^EC-Lab ASCII FILE/.test(lines[0] ?? '')) {
    const m = /^Nb header lines\s*:\s*(\d+)/.exec(lines[1] ?? '');
    if (!m) throw new ImpedanceFileError(file, 2, 'expected "Nb header lines : N" after "EC-Lab ASCII FILE"');
    headerAt = Number(m[1]) - 1;
    if (headerAt < 2 || headerAt >= lines.length)
      throw new ImpedanceFileError(file, 2, `${m[1]} header lines, but the file has ${lines.length} lines`);
  } else if (!/freq\/Hz/.test(lines[0] ?? '')) {
    throw new ImpedanceFileError(file, 1, 'expected "EC-Lab ASCII FILE" or a header row with freq/Hz (an EC-Lab text export)');
  }
  const header = tabs(lines[headerAt]);
  const cols = findColumns(file, headerAt + 1, header, {
    frequency: [/^freq\/Hz$/],
    "Z'": [/^Re\(Z\)\/Ohm$/],
    "Z''": [/^-Im\(Z\)\/Ohm$/, /^Im\(Z\)\/Ohm$/],
  });
  const imSign = cols["Z''"].name.startsWith('-') ? -1 : 1;
  const points = readRows(
    file,
    lines,
    headerAt + 1,
    tabs,
    true,
    { f: cols.frequency.index, re: cols["Z'"].index, im: cols["Z''"].index, imSign },
    undefined,
    header,
  );
  return finish(file, 'biologic-mpt', points);
}

/**
 * Scribner ZPlot .z: a `ZPlot2 Ascii` header of settings and comments closed by `End Comments`, then
 * comma-separated rows Freq(Hz), Ampl, Bias, Time(Sec), Z'(a), Z''(b), GD, Err, Range. Z'' is Im(Z).
 */
const ZPLOT_COLUMNS = ['Freq(Hz)', 'Ampl', 'Bias', 'Time(Sec)', "Z'(a)", "Z''(b)", 'GD', 'Err', 'Range'];

export function parseZplotZ(text: string, file = 'file.z'): LabSpectrum {
  const lines = linesOf(text);
  if (!/^ZPlot/i.test(lines[0] ?? '')) throw new ImpedanceFileError(file, 1, 'expected a "ZPlot2 Ascii" first line (a ZPlot .z file)');
  const end = lines.findIndex((l) => /^End Comments/i.test(l.trim()));
  if (end < 0) throw new ImpedanceFileError(file, null, 'no "End Comments" line: the header never ends (a truncated file?)');
  const split = (l: string): string[] => l.split(',');
  const points = readRows(file, lines, end + 1, split, false, { f: 0, re: 4, im: 5, imSign: 1 }, undefined, ZPLOT_COLUMNS);
  return finish(file, 'zplot-z', points);
}

/** Field separator of a delimited header: tab, then semicolon, then comma. */
function separatorOf(header: string): string {
  return header.includes('\t') ? '\t' : header.includes(';') ? ';' : ',';
}

/**
 * Metrohm Autolab text exports, in either of the two layouts its software writes:
 * - NOVA ASCII export: a header row naming the columns (Frequency (Hz), Z' (Ω), -Z'' (Ω), ...)
 *   separated by semicolons, tabs or commas, then one row per point. -Z'' is flipped.
 * - the ZView-compatible export of the FRA software (`"Z60W Data File"`): quoted header lines, a
 *   settings row, the point count, a quoted column row `Freq (Hz) Ampl Bias Time(Sec) Z'(a) Z''(b) GD
 *   Err Range`, then comma-separated rows. Z'' is Im(Z).
 */
export function parseAutolabTxt(text: string, file = 'file.txt'): LabSpectrum {
  const lines = linesOf(text);
  const zview = lines.findIndex((l) => /^"?\s*Freq \(Hz\)\s+Ampl\s+Bias\b/i.test(l));
  if (zview >= 0) {
    const split = (l: string): string[] => l.split(',');
    const points = readRows(file, lines, zview + 1, split, false, { f: 0, re: 4, im: 5, imSign: 1 }, undefined, ZPLOT_COLUMNS);
    return finish(file, 'autolab-txt', points);
  }
  const at = lines.findIndex((l) => /Frequency \(Hz\)/i.test(l));
  if (at < 0)
    throw new ImpedanceFileError(
      file,
      null,
      'no header row with "Frequency (Hz)" (NOVA) or "Freq (Hz)  Ampl  Bias ..." (Z60W): expected an Autolab impedance export',
    );
  const sep = separatorOf(lines[at]);
  const split = (l: string): string[] => l.split(sep);
  const header = split(lines[at]);
  const cols = findColumns(file, at + 1, header, {
    frequency: [/^Frequency \(Hz\)$/i],
    "Z'": [/^Z' \((Ω|Ohm)\)$/i],
    "Z''": [/^-Z'' \((Ω|Ohm)\)$/i, /^Z'' \((Ω|Ohm)\)$/i],
  });
  const imSign = cols["Z''"].name.startsWith('-') ? -1 : 1;
  const points = readRows(
    file,
    lines,
    at + 1,
    split,
    sep !== ',',
    { f: cols.frequency.index, re: cols["Z'"].index, im: cols["Z''"].index, imSign },
    undefined,
    header,
  );
  return finish(file, 'autolab-txt', points);
}

/**
 * Princeton Applied Research VersaStudio .par: an XML-like file whose `<SegmentN>` element holds a
 * `Definition=` line naming the comma-separated columns (Frequency(Hz), Z Real, Z Imag among them)
 * and the data rows up to `</SegmentN>`. The first segment with impedance columns is read.
 */
export function parseVersaStudioPar(text: string, file = 'file.par'): LabSpectrum {
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const seg = /^<(Segment\d+)>/.exec(lines[i].trim());
    if (!seg) continue;
    const defAt = lines.findIndex((l, k) => k > i && /^Definition=/.test(l.trim()));
    if (defAt < 0) throw new ImpedanceFileError(file, i + 1, `<${seg[1]}> has no "Definition=" line naming its columns`);
    const header = lines[defAt].trim().slice('Definition='.length).split(',');
    if (!header.some((h) => /^Frequency ?\(Hz\)$/i.test(h.trim()))) continue;
    const cols = findColumns(file, defAt + 1, header, {
      frequency: [/^Frequency ?\(Hz\)$/i],
      "Z'": [/^Z Real$/i, /^Z' ?\(Ohm\)$/i],
      "Z''": [/^Z Imag$/i, /^Z'' ?\(Ohm\)$/i],
    });
    const close = `</${seg[1]}>`;
    if (!lines.slice(defAt + 1).some((l) => l.trim() === close))
      throw new ImpedanceFileError(file, lines.length, `no ${close}: the segment is cut off (a truncated file?)`);
    const split = (l: string): string[] => l.split(',');
    const points = readRows(
      file,
      lines,
      defAt + 1,
      split,
      false,
      { f: cols.frequency.index, re: cols["Z'"].index, im: cols["Z''"].index, imSign: 1 },
      (l) => l.trim() === close || l.trim() === '',
      header,
    );
    return finish(file, 'versastudio-par', points);
  }
  throw new ImpedanceFileError(file, null, 'no <SegmentN> with a Frequency(Hz) column: expected a VersaStudio impedance .par file');
}

/**
 * Princeton Applied Research PowerSuite / Parstat text export of a whole experiment: one tab-separated
 * header row (Potential (V), Current (A), Elapsed Time (s), Frequency (Hz), Zre (ohms), Zim (ohms),
 * |Vac| (V), |Iac| (A), often with a trailing tab), then one row per sample of every segment. The DC
 * segments before and after the sweep (open circuit, polarisation) are rows with Frequency 0 and no
 * impedance: they are skipped, every row with a frequency is an impedance point. Zim is Im(Z).
 */
export function parseParstatTxt(text: string, file = 'file.txt'): LabSpectrum {
  const lines = linesOf(text);
  const at = lines.findIndex((l) => l.trim() !== '');
  if (at < 0 || !/Frequency \(Hz\)/i.test(lines[at]))
    throw new ImpedanceFileError(
      file,
      at < 0 ? null : at + 1,
      'expected a header row with "Frequency (Hz)", "Zre (ohms)", "Zim (ohms)" (a Parstat text export)',
    );
  const header = tabs(lines[at]);
  const cols = findColumns(file, at + 1, header, {
    frequency: [/^Frequency \(Hz\)$/i],
    "Z'": [/^Zre \(ohms?\)$/i],
    "Z''": [/^Zim \(ohms?\)$/i],
  });
  const rows = readRows(
    file,
    lines,
    at + 1,
    tabs,
    /\d,\d/.test(lines[at + 1] ?? ''),
    { f: cols.frequency.index, re: cols["Z'"].index, im: cols["Z''"].index, imSign: 1 },
    undefined,
    header,
  );
  const points = rows.filter((p) => p.f !== 0);
  if (rows.length && !points.length)
    throw new ImpedanceFileError(file, null, `${rows.length} rows, all with Frequency 0 (DC segments only): expected an impedance sweep`);
  return finish(file, 'parstat-txt', points);
}

/**
 * Princeton Applied Research PowerSuite impedance text export: a tab-separated header `Frequency, Zre,
 * Zimg` (names may carry a leading space), then one row per point; frequencies usually rising. Zimg
 * is Im(Z). Blank lines between rows are ignored.
 */
export function parsePowerSuiteTxt(text: string, file = 'file.txt'): LabSpectrum {
  const lines = linesOf(text);
  const at = lines.findIndex((l) => l.trim() !== '');
  if (at < 0 || !/^Frequency\t/i.test(lines[at].trim() + '\t'))
    throw new ImpedanceFileError(
      file,
      at < 0 ? null : at + 1,
      'expected a header row "Frequency<TAB>Zre<TAB>Zimg" (a PowerSuite impedance export)',
    );
  const header = tabs(lines[at]);
  const cols = findColumns(file, at + 1, header, {
    frequency: [/^Frequency$/i],
    "Z'": [/^Zre$/i],
    "Z''": [/^Zimg$/i, /^Zim$/i],
  });
  const points = readRows(
    file,
    lines,
    at + 1,
    tabs,
    /\d,\d/.test(lines[at + 1] ?? ''),
    { f: cols.frequency.index, re: cols["Z'"].index, im: cols["Z''"].index, imSign: 1 },
    () => false,
    header,
    true,
  );
  return finish(file, 'powersuite-txt', points);
}

/**
 * CH Instruments text export of "A.C. Impedance": a header of settings, then `Freq/Hz, Z'/ohm,
 * Z"/ohm, Z/ohm, Phase/deg` and comma-separated rows. Z" is Im(Z).
 */
export function parseChiTxt(text: string, file = 'file.txt'): LabSpectrum {
  const lines = linesOf(text);
  const at = lines.findIndex((l) => /^Freq\/Hz\s*,/i.test(l.trim()));
  if (at < 0) {
    const kind = lines.some((l) => /A\.C\. Impedance/i.test(l))
      ? 'the A.C. Impedance header is there but'
      : 'not a CH Instruments impedance export:';
    throw new ImpedanceFileError(file, null, `${kind} no "Freq/Hz, Z'/ohm, Z"/ohm" column row`);
  }
  const split = (l: string): string[] => l.split(',');
  const header = split(lines[at].trim());
  const cols = findColumns(file, at + 1, header, {
    frequency: [/^Freq\/Hz$/i],
    "Z'": [/^Z'\/ohm$/i],
    "Z''": [/^Z"\/ohm$/i, /^Z''\/ohm$/i, /^-Z"\/ohm$/i],
  });
  let start = at + 1;
  while (start < lines.length && lines[start].trim() === '') start++;
  const imSign = cols["Z''"].name.startsWith('-') ? -1 : 1;
  const points = readRows(
    file,
    lines,
    start,
    split,
    false,
    { f: cols.frequency.index, re: cols["Z'"].index, im: cols["Z''"].index, imSign },
    undefined,
    header,
  );
  return finish(file, 'chi-txt', points);
}

/**
 * A plain table of frequency (Hz), Z' (ohm), Z'' (ohm) separated by commas, semicolons or tabs, with
 * or without a header row. Z'' is taken as Im(Z) (negative for a capacitive cell) unless the header
 * names it with a leading minus ("-Z''", "-Im(Z)"), which flips it.
 */
export function parsePlainCsv(text: string, file = 'file.csv'): LabSpectrum {
  const lines = linesOf(text);
  let at = 0;
  while (at < lines.length && (lines[at].trim() === '' || lines[at].startsWith('#'))) at++;
  if (at >= lines.length) throw new ImpedanceFileError(file, null, "the file is empty: expected rows of frequency, Z', Z''");
  const sep = separatorOf(lines[at]);
  const split = (l: string): string[] => l.split(sep);
  const first = split(lines[at]);
  let imSign = 1;
  if (first.length >= 1 && Number.isNaN(parseNumber(first[0], sep !== ','))) {
    if (first.length < 3) throw new ImpedanceFileError(file, at + 1, `header with ${first.length} columns: expected frequency, Z', Z''`);
    imSign = first[2].trim().startsWith('-') ? -1 : 1;
    at++;
  }
  const points = readRows(file, lines, at, split, sep !== ',', { f: 0, re: 1, im: 2, imSign });
  return finish(file, 'csv', points);
}

const PARSERS: Record<ImpedanceFormat, (text: string, file: string) => LabSpectrum> = {
  'gamry-dta': parseGamryDta,
  'biologic-mpt': parseBiologicMpt,
  'zplot-z': parseZplotZ,
  'autolab-txt': parseAutolabTxt,
  'versastudio-par': parseVersaStudioPar,
  'parstat-txt': parseParstatTxt,
  'powersuite-txt': parsePowerSuiteTxt,
  'chi-txt': parseChiTxt,
  csv: parsePlainCsv,
};

/** The format of a file from its extension and, for .txt and .csv, its first lines. */
export function detectImpedanceFormat(file: string, text: string): ImpedanceFormat {
  const ext = /\.([^./\\]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
  if (ext === 'dta') return 'gamry-dta';
  if (ext === 'mpt') return 'biologic-mpt';
  if (ext === 'z') return 'zplot-z';
  if (ext === 'par') return 'versastudio-par';
  const head = text.slice(0, 4000);
  if (/^\uFEFF?EC-Lab ASCII FILE/.test(head) || /^\uFEFF?freq\/Hz\t/.test(head)) return 'biologic-mpt';
  if (/^\uFEFF?ZPlot/i.test(head)) return 'zplot-z';
  if (/^\uFEFF?EXPLAIN\b/.test(head)) return 'gamry-dta';
  if (/A\.C\. Impedance|^Freq\/Hz\s*,/im.test(head)) return 'chi-txt';
  if (/^\uFEFF?Frequency\t\s*Zre\t/i.test(head)) return 'powersuite-txt';
  if (/^\uFEFF?(?:[^\r\n]*\t)?Frequency \(Hz\)\tZre \(ohms?\)/i.test(head)) return 'parstat-txt';
  if (/Z60W Data File|^"?\s*Freq \(Hz\)\s+Ampl\s+Bias/im.test(head)) return 'autolab-txt';
  if (/Frequency \(Hz\)/i.test(head)) return 'autolab-txt';
  return 'csv';
}

/** Parses a lab impedance file in the given format, or in the one its name and content suggest. */
export function parseImpedanceFile(file: string, text: string, format?: ImpedanceFormat): LabSpectrum {
  return PARSERS[format ?? detectImpedanceFormat(file, text)](text, file);
}
