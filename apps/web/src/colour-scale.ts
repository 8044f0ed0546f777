/**
 * Colours of the heat maps. Continuous metrics use a perceptually even scale (viridis control
 * points, linearly interpolated in sRGB: close enough for 256 steps); soft bins use fixed colours
 * so a bin looks the same on every map. Pure functions: the tests sample pixels against these.
 */
export type Rgb = [number, number, number];

const VIRIDIS: Rgb[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

/** Colour of t in [0, 1] (clamped). */
export function viridis(t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** Grey for a cell or bin without a value: clearly not a colour of the scale. */
export const NO_VALUE: Rgb = [214, 214, 214];

/**
 * Soft bin colours: pass grades in greens (1 best), 0 (rig fault) purple, and the fail bins (10 and
 * up by the rule sets' convention) each in a distinct warm or dark colour, so two failure modes
 * never share a colour on a map.
 */
const PASS_COLOURS: Rgb[] = [
  [126, 87, 194],
  [27, 120, 55],
  [90, 174, 97],
  [166, 219, 160],
  [217, 240, 211],
  [255, 237, 160],
  [254, 217, 118],
  [254, 178, 76],
  [253, 141, 60],
  [240, 59, 32],
];
const FAIL_COLOURS: Rgb[] = [
  [215, 25, 28],
  [230, 97, 1],
  [33, 33, 33],
  [166, 86, 40],
  [231, 41, 138],
  [102, 37, 6],
  [197, 27, 125],
  [128, 0, 38],
  [69, 117, 180],
  [116, 60, 140],
];

export function binColour(bin: number): Rgb {
  if (bin >= 0 && bin < 10) return PASS_COLOURS[bin];
  if (bin >= 10) return FAIL_COLOURS[(bin - 10) % FAIL_COLOURS.length];
  return [96, 125, 139];
}

export interface ScaleRange {
  min: number;
  max: number;
}

/**
 * The range a map's colours span: the 2nd to 98th percentile of its finite values, so one shorted
 * cell at 0 Ω does not squash every other cell into one colour. Null when there is no value.
 */
export function robustRange(values: ArrayLike<number>): ScaleRange | null {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  if (!finite.length) return null;
  finite.sort((a, b) => a - b);
  const at = (q: number) => finite[Math.min(finite.length - 1, Math.max(0, Math.round(q * (finite.length - 1))))];
  let min = at(0.02);
  let max = at(0.98);
  if (max <= min) {
    min = finite[0];
    max = finite[finite.length - 1];
  }
  if (max <= min) max = min + (Math.abs(min) || 1) * 1e-6;
  return { min, max };
}

/** Colour of one value on a continuous map, or of a soft bin on a bin map. */
export function colourOf(value: number, range: ScaleRange | null, bins: boolean): Rgb {
  if (!Number.isFinite(value) || !range) return NO_VALUE;
  if (bins) return binColour(Math.round(value));
  return viridis((value - range.min) / (range.max - range.min));
}

export const rgbCss = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;
