import { describeValue, isObj, type Problem } from './problems';

/**
 * A metrology thickness map on a regular-or-not grid. Values are row-major by MD:
 * valuesUm[i * cdMm.length + j] is the thickness at (mdMm[i], cdMm[j]). Both axes increase strictly.
 */
export interface ThicknessGrid {
  cdMm: number[];
  mdMm: number[];
  valuesUm: number[];
}

export const THICKNESS_GRID_LIMITS = Object.freeze({ minPoints: 2, maxPoints: 1000, maxProblems: 20 });

/**
 * Checks a thickness map from a metrology tool: 2..1000 strictly increasing finite positions per
 * axis and md x cd finite positive values. Reports at most 20 problems (plus one saying there were more).
 */
export function thicknessGridProblems(grid: unknown, path = 'grid'): Problem[] {
  const problems: Problem[] = [];
  const { minPoints, maxPoints, maxProblems } = THICKNESS_GRID_LIMITS;
  let full = false;
  const add = (p: string, message: string) => {
    if (full) return;
    if (problems.length === maxProblems) {
      problems.push({ path, message: `more problems not listed (at most ${maxProblems} are reported)` });
      full = true;
    } else problems.push({ path: p, message });
  };
  if (!isObj(grid)) return [{ path, message: `expected an object { cdMm, mdMm, valuesUm }, got ${describeValue(grid)}` }];

  const axisOk = (key: 'cdMm' | 'mdMm'): boolean => {
    const axis = grid[key];
    const p = `${path}.${key}`;
    if (!Array.isArray(axis) || axis.length < minPoints || axis.length > maxPoints) {
      add(
        p,
        `expected an array of ${minPoints} to ${maxPoints} positions in mm, got ${Array.isArray(axis) ? `${axis.length} elements` : describeValue(axis)}`,
      );
      return false;
    }
    let ok = true;
    for (let i = 0; i < axis.length && !full; i++) {
      const v: unknown = axis[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        add(`${p}[${i}]`, `expected a finite number (mm), got ${describeValue(v)}`);
        ok = false;
      } else if (i > 0 && typeof axis[i - 1] === 'number' && v <= (axis[i - 1] as number)) {
        add(`${p}[${i}]`, `expected positions to increase strictly, got ${v} after ${String(axis[i - 1])}`);
        ok = false;
      }
    }
    return ok;
  };
  const cdOk = axisOk('cdMm');
  const mdOk = axisOk('mdMm');

  const values = grid.valuesUm;
  const p = `${path}.valuesUm`;
  if (!Array.isArray(values)) {
    add(p, `expected an array of thicknesses in µm, got ${describeValue(values)}`);
    return problems;
  }
  const cd = grid.cdMm as number[];
  const md = grid.mdMm as number[];
  if (cdOk && mdOk && values.length !== md.length * cd.length) {
    add(p, `expected ${md.length * cd.length} values (${md.length} MD x ${cd.length} CD positions, row-major by MD), got ${values.length}`);
    return problems;
  }
  if (values.length > maxPoints * maxPoints) {
    add(p, `expected at most ${maxPoints * maxPoints} values, got ${values.length}`);
    return problems;
  }
  const where = (k: number) => (cdOk && mdOk ? ` at MD ${md[Math.floor(k / cd.length)]} mm, CD ${cd[k % cd.length]} mm` : '');
  for (let k = 0; k < values.length && !full; k++) {
    const v: unknown = values[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      add(`${p}[${k}]`, `expected a finite positive thickness in µm${where(k)}, got ${describeValue(v)}`);
  }
  return problems;
}

/**
 * Where x falls on an axis: the lower node index and the fraction towards the next one. Points up to
 * half the edge step outside the axis are clamped to the edge (a measurement point represents the
 * area around it); further out there is no data (null).
 */
function locate(axis: number[], x: number): { i: number; f: number } | null {
  const n = axis.length;
  if (!Number.isFinite(x)) return null;
  if (x <= axis[0]) return axis[0] - x <= (axis[1] - axis[0]) / 2 ? { i: 0, f: 0 } : null;
  if (x >= axis[n - 1]) return x - axis[n - 1] <= (axis[n - 1] - axis[n - 2]) / 2 ? { i: n - 2, f: 1 } : null;
  let lo = 0;
  let hi = n - 1; // axis[lo] < x < axis[hi] holds
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (axis[mid] <= x) lo = mid;
    else hi = mid;
  }
  return { i: lo, f: (x - axis[lo]) / (axis[lo + 1] - axis[lo]) };
}

/** Bilinear thickness (µm) at a roll position; null when it lies outside the map (see locate). */
export function interpolateThickness(grid: ThicknessGrid, mdMm: number, cdMm: number): number | null {
  const r = locate(grid.mdMm, mdMm);
  const c = locate(grid.cdMm, cdMm);
  if (!r || !c) return null;
  const w = grid.cdMm.length;
  const v = grid.valuesUm;
  const k = r.i * w + c.i;
  const top = v[k] + (v[k + 1] - v[k]) * c.f;
  const bottom = v[k + w] + (v[k + w + 1] - v[k + w]) * c.f;
  return top + (bottom - top) * r.f;
}

/**
 * Areal capacity of LiCoO2 per µm of film: 137 mAh/g practical (Li0.5CoO2, 4.2 V) x 5.0 g/cm³ dense
 * film ≈ 68.5 µAh/(cm²·µm).
 */
export const LCO_UAH_PER_CM2_PER_UM = 68.5;

/**
 * Cell capacity (µAh) expected from the cathode thickness: thickness x area x 68.5 x utilization
 * (0..1, the fraction of the theoretical capacity the cell delivers). Throws on inputs that are not
 * physical, which are programming errors here (validate user input before).
 */
export function predictedCapacityUah(lcoThicknessUm: number, activeAreaCm2: number, utilization: number): number {
  if (!(Number.isFinite(lcoThicknessUm) && lcoThicknessUm >= 0))
    throw new RangeError(`expected a thickness >= 0 µm, got ${lcoThicknessUm}`);
  if (!(Number.isFinite(activeAreaCm2) && activeAreaCm2 > 0)) throw new RangeError(`expected an active area > 0 cm², got ${activeAreaCm2}`);
  if (!(Number.isFinite(utilization) && utilization > 0 && utilization <= 1))
    throw new RangeError(`expected a utilization in (0, 1], got ${utilization}`);
  return lcoThicknessUm * activeAreaCm2 * LCO_UAH_PER_CM2_PER_UM * utilization;
}
