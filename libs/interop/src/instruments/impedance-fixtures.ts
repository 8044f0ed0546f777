/**
 * Lab impedance files written the way each instrument's software writes them, for tests and benches
 * (no real instrument file is copied): a Randles-like cell R0 + (R1 || C) sampled log-spaced.
 */

export interface Sweep {
  freqHz: number[];
  zRe: number[];
  zIm: number[];
}

export function randlesSweep(points = 31, fMaxHz = 1e5, fMinHz = 1, r0 = 20, r1 = 200, cF = 1e-6): Sweep {
  const freqHz: number[] = [];
  const zRe: number[] = [];
  const zIm: number[] = [];
  for (let i = 0; i < points; i++) {
    const f = fMaxHz * Math.pow(fMinHz / fMaxHz, i / (points - 1));
    const w = 2 * Math.PI * f;
    const d = 1 + (w * r1 * cF) ** 2;
    freqHz.push(Number(f.toPrecision(6)));
    zRe.push(r0 + r1 / d);
    zIm.push((-w * r1 * r1 * cF) / d);
  }
  return { freqHz, zRe, zIm };
}

const e = (v: number): string => v.toExponential(6);

/**
 * Gamry .DTA as the Framework writes it: tagged header lines, an OCVCURVE table (the open circuit
 * before the sweep), then the ZCURVE table. An aborted run ends the ZCURVE rows early with an
 * EXPERIMENTABORTED tag, followed by the FRACURVE table of the last point (indented rows as well).
 */
export function gamryDta(s: Sweep, opts: { commaDecimal?: boolean; keep?: number } = {}): string {
  const n = opts.keep ?? s.freqHz.length;
  const num = (v: number): string => (opts.commaDecimal ? String(v).replace('.', ',') : String(v));
  const rows = s.freqHz
    .slice(0, n)
    .map(
      (f, i) =>
        `\t${i}\t${num(i * 2.5)}\t${num(f)}\t${num(s.zRe[i])}\t${num(s.zIm[i])}\t${num(0.01)}\t${num(Math.hypot(s.zRe[i], s.zIm[i]))}\t${num((Math.atan2(s.zIm[i], s.zRe[i]) * 180) / Math.PI)}\t${num(1e-9)}\t${num(0.1)}\t7`,
    );
  const ocv = [0, 1, 2].map(
    (i) => `\t${i}\t${num(0.25 * (i + 1))}\t${num(0.0591 + i * 1e-6)}\t${num(0.0591)}\t${num(1e-3)}\t..........a\t${num(-327.63)}`,
  );
  const aborted = n < s.freqHz.length;
  return (
    [
      'EXPLAIN',
      'TAG\tEISPOT',
      'TITLE\tLABEL\tPotentiostatic EIS\tTest Identifier',
      'DATE\tLABEL\t11/22/2026\tDate',
      'TIME\tLABEL\t10:00:00\tTime',
      'NOTES\tNOTES\t1\tNotes...',
      '\tlab cell 7, glovebox',
      'FREQINIT\tQUANT\t1.00000E+005\tInitial Freq. (Hz)',
      'FREQFINAL\tQUANT\t1.00000E+000\tFinal Freq. (Hz)',
      'OCVCURVE\tTABLE\t3',
      '\tPt\tT\tVf\tVm\tAch\tOver\tTemp',
      '\t#\ts\tV vs. Ref.\tV\tV\tbits\tdeg C',
      ...ocv,
      'EOC\tQUANT\t0.0591\tOpen Circuit (V)',
      'ZCURVE\tTABLE',
      '\tPt\tTime\tFreq\tZreal\tZimag\tZsig\tZmod\tZphz\tIdc\tVdc\tIERange',
      '\t#\ts\tHz\tohm\tohm\tV\tohm\t°\tA\tV\t#',
      ...rows,
      ...(aborted
        ? [
            'EXPERIMENTABORTED\tTOGGLE\tT\tExperiment Aborted',
            'FRACURVE\tTABLE\t2',
            '\tPt\tT\tV\tI\tOlCtrl\tOverload',
            '\t#\tS\tV\tA\tbits\tbits',
            `\t0\t${num(20.1)}\t${num(3e-4)}\t${num(6.7e-8)}\t......\t...........`,
            `\t1\t${num(20.3)}\t${num(2e-3)}\t${num(7e-8)}\t......\t...........`,
          ]
        : []),
    ].join('\r\n') + '\r\n'
  );
}

export function biologicMpt(s: Sweep, opts: { commaDecimal?: boolean; ascending?: boolean; headerless?: boolean } = {}): string {
  const num = (v: number): string => (opts.commaDecimal ? e(v).replace('.', ',') : e(v));
  const idx = s.freqHz.map((_, i) => i);
  if (opts.ascending) idx.reverse();
  const columns = 'freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\t|Z|/Ohm\tPhase(Z)/deg\ttime/s\t<Ewe>/V\t<I>/mA\tCs/µF\tcycle number';
  const rows = idx.map((i) =>
    [
      s.freqHz[i],
      s.zRe[i],
      -s.zIm[i],
      Math.hypot(s.zRe[i], s.zIm[i]),
      (Math.atan2(s.zIm[i], s.zRe[i]) * 180) / Math.PI,
      i * 3.1,
      3.9,
      1e-4,
      1.2,
      1,
    ]
      .map(num)
      .join('\t'),
  );
  if (opts.headerless) return [columns, ...rows].join('\n') + '\n';
  const header = [
    'EC-Lab ASCII FILE',
    'Nb header lines : 7',
    '',
    'Potentio Electrochemical Impedance Spectroscopy',
    '',
    'Run on channel : 3',
    columns,
  ];
  return [...header, ...rows].join('\r\n') + '\r\n';
}

export function zplotZ(s: Sweep): string {
  const rows = s.freqHz.map((f, i) => [e(f), e(0.01), e(0), e(i * 2), e(s.zRe[i]), e(s.zIm[i]), e(1e-5), '0', '3'].join(','));
  return (
    ['ZPlot2 Ascii', 'Instrument Model:  1260', 'Start Time:  10:00:00', 'Comments:', 'lab cell 7', 'End Comments', ...rows].join('\r\n') +
    '\r\n'
  );
}

export function autolabTxt(s: Sweep, sep = ';'): string {
  const num = (v: number): string => (sep === ';' ? String(v).replace('.', ',') : String(v));
  const rows = s.freqHz.map((f, i) =>
    [
      String(i + 1),
      num(f),
      num(s.zRe[i]),
      num(-s.zIm[i]),
      num(Math.hypot(s.zRe[i], s.zIm[i])),
      num((-Math.atan2(s.zIm[i], s.zRe[i]) * 180) / Math.PI),
      num(i * 1.5),
    ].join(sep),
  );
  return [['Index', 'Frequency (Hz)', "Z' (Ω)", "-Z'' (Ω)", 'Z (Ω)', '-Phase (°)', 'Time (s)'].join(sep), ...rows].join('\r\n') + '\r\n';
}

export function versaStudioPar(s: Sweep, opts: { cut?: boolean } = {}): string {
  const rows = s.freqHz.map((f, i) =>
    [1, i, 3.9, 1e-6, i * 2, 0, 5, 0, 3.9, f, 0.01, 0, 0.001, 0, s.zRe[i], s.zIm[i]].map(String).join(','),
  );
  const lines = [
    '<?xml version="1.0" encoding="us-ascii"?>',
    '<Application>',
    'Name=VersaStudio',
    '</Application>',
    '<Segment1>',
    'Definition=Segment #,Point #,E(V),I(A),Elapsed Time(s),ADC Sync Input(V),Current Range,Status,E Applied(V),Frequency(Hz),E Real,E Imag,I Real,I Imag,Z Real,Z Imag',
    ...rows,
  ];
  if (!opts.cut) lines.push('</Segment1>');
  return lines.join('\r\n') + '\r\n';
}

export function chiTxt(s: Sweep): string {
  const rows = s.freqHz.map((f, i) =>
    [e(f), e(s.zRe[i]), e(s.zIm[i]), e(Math.hypot(s.zRe[i], s.zIm[i])), e((Math.atan2(s.zIm[i], s.zRe[i]) * 180) / Math.PI)].join(', '),
  );
  return (
    [
      'Nov. 22, 2026   10:00:00',
      'A.C. Impedance',
      'File: cell7.bin',
      'Init E (V) = 0',
      'High Frequency (Hz) = 1e+5',
      'Low Frequency (Hz) = 1',
      '',
      'Freq/Hz, Z\'/ohm, Z"/ohm, Z/ohm, Phase/deg',
      '',
      ...rows,
    ].join('\n') + '\n'
  );
}

export function plainCsv(s: Sweep, header = true): string {
  return (
    [...(header ? ["frequency_Hz,Z' (ohm),Z'' (ohm)"] : []), ...s.freqHz.map((f, i) => `${f},${s.zRe[i]},${s.zIm[i]}`)].join('\n') + '\n'
  );
}

/**
 * Autolab FRA's ZView-compatible export ("Z60W Data File"): quoted header lines, a settings row, the
 * point count, a quoted column row, comma rows of Freq, Ampl, Bias, Time, Z', Z'' (Im(Z)), GD, Err, Range.
 */
export function autolabZ60w(s: Sweep): string {
  const rows = s.freqHz.map((f, i) => [f, 0, 0, 0, s.zRe[i], s.zIm[i], 0, 0, 0].map(String).join(','));
  return (
    [
      '"Z60W Data File: Version 1.1"',
      ...Array.from({ length: 7 }, () => '""'),
      '0,2,0,1,0.1,10000',
      String(s.freqHz.length),
      `"  Freq (Hz)    Ampl     Bias   Time(Sec)   Z'(a)    Z''(b)    GD   Err   Range"`,
      ...rows,
    ].join('\n') + '\n'
  );
}

/**
 * PAR PowerSuite / Parstat text export of a whole experiment: open-circuit rows (Frequency 0) before
 * the sweep and after it, a trailing tab on every line; frequencies falling.
 */
export function parstatTxt(s: Sweep, opts: { dcRows?: number; commaDecimal?: boolean } = {}): string {
  const num = (v: number): string => (opts.commaDecimal ? String(v).replace('.', ',') : String(v));
  const dc = (k: number): string => [3.49 - k * 1e-4, -0.1499, 10 * (k + 1), 0, 0, 0, 0, 0].map(num).join('\t') + '\t';
  const nDc = opts.dcRows ?? 5;
  const sweep = s.freqHz.map(
    (f, i) => [3.5, 0.0245, 100 + i, f, s.zRe[i], s.zIm[i], 0.005, 0.005 / Math.hypot(s.zRe[i], s.zIm[i])].map(num).join('\t') + '\t',
  );
  return (
    [
      'Potential (V)\tCurrent (A)\tElapsed Time (s)\tFrequency (Hz)\tZre (ohms)\tZim (ohms)\t|Vac| (V)\t|Iac| (A)\t',
      ...Array.from({ length: nDc }, (_, k) => dc(k)),
      ...sweep,
      ...Array.from({ length: 2 }, (_, k) => dc(nDc + k)),
    ].join('\n') + '\n'
  );
}

/** PAR PowerSuite impedance text export: "Frequency<TAB> Zre<TAB> Zimg", frequencies rising. */
export function powerSuiteTxt(s: Sweep, opts: { blankLines?: boolean } = {}): string {
  const rows = s.freqHz.map((f, i) => `${f}\t ${s.zRe[i]}\t ${s.zIm[i]}`).reverse();
  if (opts.blankLines) rows.splice(rows.length >> 1, 0, '');
  return ['Frequency\t Zre\t Zimg', ...rows].join('\r\n') + '\r\n\r\n';
}
