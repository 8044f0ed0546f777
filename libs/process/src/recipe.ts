import { childPath, describeValue, isFiniteNumber, isObj, normalizeUnit, type Problem } from './problems';
import { traceChannel } from './traces';

export type ParameterType = 'NUMBER' | 'ENUM' | 'TEXT';
export const PARAMETER_TYPES: readonly ParameterType[] = ['NUMBER', 'ENUM', 'TEXT'];

export interface ParameterDefinition {
  /** snake_case, e.g. power_w, interlayer_material */
  name: string;
  /** e.g. 'W', 'mTorr', '°C', 'Å/s', 'nm', 'm/min'; null for ENUM/TEXT */
  unit: string | null;
  type: ParameterType;
  /** number for NUMBER, one of allowedValues for ENUM, a string for TEXT; null when there is none */
  target: number | string | null;
  /** NUMBER only; limits are inclusive */
  lowerLimit: number | null;
  upperLimit: number | null;
  required: boolean;
  /** ENUM only (non-empty, unique) */
  allowedValues: string[] | null;
}

/**
 * An alarm band on a trace channel: the channel must stay within ±tolerancePct % of the setpoint
 * (a fixed `setpoint`, or the target of the NUMBER parameter `setpointParameter`); an excursion
 * counts when it lasts at least minDurationS.
 */
export interface TraceBand {
  channel: string;
  setpointParameter: string | null;
  setpoint: number | null;
  tolerancePct: number;
  minDurationS: number;
}

export type ActualValues = Record<string, number | string>;

export interface LimitViolation {
  parameter: string;
  value: number;
  lowerLimit: number | null;
  upperLimit: number | null;
  unit: string | null;
}

export type RecipeState = 'DRAFT' | 'RELEASED' | 'OBSOLETE';
export const RECIPE_STATES: readonly RecipeState[] = ['DRAFT', 'RELEASED', 'OBSOLETE'];

export const PARAMETER_NAME_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
export const MAX_PARAMETER_NAME_LENGTH = 64;
export const MAX_UNIT_LENGTH = 20;
export const MAX_ENUM_VALUE_LENGTH = 100;
/** TEXT actuals (and TEXT targets) are notes such as a lot number, not documents. */
export const MAX_TEXT_LENGTH = 500;

// Nullable fields may arrive as undefined from JSON or GraphQL inputs that leave them out.
const isNullish = (v: unknown): v is null | undefined => v === null || v === undefined;

/**
 * Checks a recipe's parameter definitions: unique snake_case names, a known type, and target, unit,
 * limits and allowed values consistent with that type (lowerLimit <= target <= upperLimit).
 */
export function parameterDefinitionProblems(defs: ParameterDefinition[], path = 'parameters'): Problem[] {
  const problems: Problem[] = [];
  const add = (p: string, message: string) => problems.push({ path: p, message });
  if (!Array.isArray(defs)) {
    add(path, `expected an array of parameter definitions, got ${describeValue(defs)}`);
    return problems;
  }
  const firstIndexByName = new Map<string, number>();
  (defs as unknown[]).forEach((d, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(d)) return add(p, `expected a parameter definition object, got ${describeValue(d)}`);

    const name = d.name;
    if (typeof name !== 'string' || !PARAMETER_NAME_PATTERN.test(name) || name.length > MAX_PARAMETER_NAME_LENGTH) {
      add(
        `${p}.name`,
        `expected a snake_case name (lower-case letters, digits and single underscores, starting with a letter, at most ${MAX_PARAMETER_NAME_LENGTH} characters, e.g. power_w), got ${describeValue(name)}`,
      );
    } else if (firstIndexByName.has(name)) {
      add(`${p}.name`, `expected a unique name, got ${name} again (also ${path}[${firstIndexByName.get(name)}])`);
    } else {
      firstIndexByName.set(name, i);
    }

    if (typeof d.required !== 'boolean') add(`${p}.required`, `expected true or false, got ${describeValue(d.required)}`);

    const type = d.type;
    if (typeof type !== 'string' || !(PARAMETER_TYPES as readonly string[]).includes(type)) {
      add(`${p}.type`, `expected one of ${PARAMETER_TYPES.join(', ')}, got ${describeValue(type)}`);
      return;
    }
    const onlyFor = (field: string, types: string) => {
      if (!isNullish(d[field]))
        add(
          `${p}.${field}`,
          `expected null for ${type === 'ENUM' ? 'an' : 'a'} ${type} parameter (${types} only), got ${describeValue(d[field])}`,
        );
    };

    switch (type as ParameterType) {
      case 'NUMBER': {
        if (typeof d.unit !== 'string' || d.unit.trim() === '' || d.unit.length > MAX_UNIT_LENGTH) {
          add(
            `${p}.unit`,
            `expected a unit of at most ${MAX_UNIT_LENGTH} characters for a NUMBER parameter (e.g. 'W', 'mTorr'; 'count' or '1' when dimensionless), got ${describeValue(d.unit)}`,
          );
        }
        onlyFor('allowedValues', 'ENUM');
        const target = numberOrNull(d.target, `${p}.target`, add);
        const lower = numberOrNull(d.lowerLimit, `${p}.lowerLimit`, add);
        const upper = numberOrNull(d.upperLimit, `${p}.upperLimit`, add);
        if (lower !== null && upper !== null && lower > upper) {
          add(`${p}.upperLimit`, `expected upperLimit >= lowerLimit ${lower}, got ${upper}`);
        } else if (target !== null) {
          if (lower !== null && target < lower) add(`${p}.target`, `expected target >= lowerLimit ${lower}, got ${target}`);
          if (upper !== null && target > upper) add(`${p}.target`, `expected target <= upperLimit ${upper}, got ${target}`);
        }
        return;
      }
      case 'ENUM': {
        onlyFor('unit', 'NUMBER');
        onlyFor('lowerLimit', 'NUMBER');
        onlyFor('upperLimit', 'NUMBER');
        const values = d.allowedValues;
        if (!Array.isArray(values) || values.length === 0) {
          add(`${p}.allowedValues`, `expected a non-empty array of strings for an ENUM parameter, got ${describeValue(values)}`);
        } else {
          const seen = new Set<string>();
          (values as unknown[]).forEach((v, j) => {
            const vp = `${p}.allowedValues[${j}]`;
            if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_ENUM_VALUE_LENGTH) {
              add(vp, `expected a non-blank string of at most ${MAX_ENUM_VALUE_LENGTH} characters, got ${describeValue(v)}`);
            } else if (seen.has(v)) {
              add(vp, `expected unique allowed values, got ${JSON.stringify(v)} twice`);
            } else seen.add(v);
          });
          if (!isNullish(d.target) && !(typeof d.target === 'string' && seen.has(d.target))) {
            add(`${p}.target`, `expected null or one of the allowed values (${[...seen].join(', ')}), got ${describeValue(d.target)}`);
          }
        }
        return;
      }
      case 'TEXT': {
        onlyFor('unit', 'NUMBER');
        onlyFor('lowerLimit', 'NUMBER');
        onlyFor('upperLimit', 'NUMBER');
        onlyFor('allowedValues', 'ENUM');
        if (!isNullish(d.target) && !(typeof d.target === 'string' && d.target.length <= MAX_TEXT_LENGTH)) {
          add(`${p}.target`, `expected null or a string of at most ${MAX_TEXT_LENGTH} characters, got ${describeValue(d.target)}`);
        }
        return;
      }
    }
  });
  return problems;
}

function numberOrNull(v: unknown, path: string, add: (p: string, m: string) => void): number | null {
  if (isNullish(v)) return null;
  if (isFiniteNumber(v)) return v;
  add(path, `expected null or a finite number, got ${describeValue(v)}`);
  return null;
}

/**
 * Checks a recipe's alarm bands against the trace channel catalogue and its own parameters:
 * a known GAUGE or SPEED channel (a band around a counter, position or on/off state means nothing),
 * at most one band per channel, exactly one of setpointParameter (a NUMBER parameter with a non-zero
 * target in the channel's unit) or a non-zero setpoint, tolerancePct in (0, 100], minDurationS >= 0.
 */
export function traceBandProblems(bands: TraceBand[], defs: ParameterDefinition[], path = 'traceBands'): Problem[] {
  const problems: Problem[] = [];
  const add = (p: string, message: string) => problems.push({ path: p, message });
  if (!Array.isArray(bands)) {
    add(path, `expected an array of trace bands, got ${describeValue(bands)}`);
    return problems;
  }
  const defsByName = new Map<string, ParameterDefinition>();
  if (Array.isArray(defs)) for (const d of defs) if (isObj(d) && typeof d.name === 'string') defsByName.set(d.name, d);
  const bandIndexByChannel = new Map<string, number>();

  (bands as unknown[]).forEach((b, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(b)) return add(p, `expected a trace band object, got ${describeValue(b)}`);

    const spec = typeof b.channel === 'string' ? traceChannel(b.channel) : undefined;
    if (!spec) {
      add(`${p}.channel`, `expected a known trace channel (e.g. qcm_rate, power, pressure), got ${describeValue(b.channel)}`);
    } else if (spec.kind !== 'GAUGE' && spec.kind !== 'SPEED') {
      add(`${p}.channel`, `expected a GAUGE or SPEED channel for a ± % band, got ${spec.name} (${spec.kind})`);
    } else if (bandIndexByChannel.has(spec.name)) {
      add(`${p}.channel`, `expected one band per channel, got ${spec.name} again (also ${path}[${bandIndexByChannel.get(spec.name)}])`);
    } else bandIndexByChannel.set(spec.name, i);

    const hasParam = !isNullish(b.setpointParameter);
    const hasFixed = !isNullish(b.setpoint);
    if (hasParam === hasFixed) {
      add(
        p,
        hasParam
          ? 'expected exactly one of setpointParameter or setpoint, got both'
          : 'expected exactly one of setpointParameter (a NUMBER parameter whose target is the setpoint) or setpoint, got neither',
      );
    } else if (hasParam) {
      const def = typeof b.setpointParameter === 'string' ? defsByName.get(b.setpointParameter) : undefined;
      if (!def) {
        add(`${p}.setpointParameter`, `expected the name of a parameter of this recipe, got ${describeValue(b.setpointParameter)}`);
      } else if (def.type !== 'NUMBER' || !isFiniteNumber(def.target)) {
        add(
          `${p}.setpointParameter`,
          `expected a NUMBER parameter with a target, got ${def.name} (${def.type}, target ${describeValue(def.target)})`,
        );
      } else if (def.target === 0) {
        add(
          `${p}.setpointParameter`,
          `expected a parameter with a non-zero target (the band is ± a percentage of it), got ${def.name} = 0`,
        );
      } else if (spec && typeof def.unit === 'string' && normalizeUnit(def.unit) !== normalizeUnit(spec.unit)) {
        add(`${p}.setpointParameter`, `expected a parameter in ${spec.unit} (the unit of ${spec.name}), got ${def.name} in ${def.unit}`);
      }
    } else if (!isFiniteNumber(b.setpoint) || b.setpoint === 0) {
      add(`${p}.setpoint`, `expected a finite non-zero number (the band is ± a percentage of it), got ${describeValue(b.setpoint)}`);
    }

    if (!isFiniteNumber(b.tolerancePct) || b.tolerancePct <= 0 || b.tolerancePct > 100) {
      add(`${p}.tolerancePct`, `expected a percentage in (0, 100], got ${describeValue(b.tolerancePct)}`);
    }
    if (!isFiniteNumber(b.minDurationS) || b.minDurationS < 0) {
      add(`${p}.minDurationS`, `expected a number of seconds >= 0, got ${describeValue(b.minDurationS)}`);
    }
  });
  return problems;
}

/** The setpoint a band is checked against. Throws when the band does not resolve (validate first). */
export function bandSetpoint(band: TraceBand, defs: ParameterDefinition[]): number {
  if (band.setpoint !== null && band.setpoint !== undefined) return band.setpoint;
  const def = defs.find((d) => d.name === band.setpointParameter);
  if (!def || def.type !== 'NUMBER' || typeof def.target !== 'number') {
    throw new Error(`band on ${band.channel}: parameter ${String(band.setpointParameter)} is not a NUMBER parameter with a target`);
  }
  return def.target;
}

/**
 * Checks the actual values of a run against the recipe's definitions: every required parameter
 * present, no unknown ones, and each value of its type (NUMBER a finite number, ENUM one of the
 * allowed values, TEXT a string of at most 500 characters). null is not accepted: leave an
 * optional parameter out instead. Limits are not checked here (see limitViolations).
 */
export function actualValueProblems(defs: ParameterDefinition[], actuals: Record<string, unknown>, path = 'actuals'): Problem[] {
  if (!isObj(actuals)) return [{ path, message: `expected an object of parameter values, got ${describeValue(actuals)}` }];
  const problems: Problem[] = [];
  const byName = new Map(defs.map((d) => [d.name, d]));
  for (const d of defs) {
    const p = childPath(path, d.name);
    if (!Object.hasOwn(actuals, d.name)) {
      if (d.required) problems.push({ path: p, message: `missing required parameter ${d.name}${d.unit ? ` (${d.unit})` : ''}` });
      continue;
    }
    const v = actuals[d.name];
    switch (d.type) {
      case 'NUMBER':
        if (!isFiniteNumber(v))
          problems.push({ path: p, message: `expected a finite number${d.unit ? ` in ${d.unit}` : ''}, got ${describeValue(v)}` });
        break;
      case 'ENUM': {
        const allowed = d.allowedValues ?? [];
        if (typeof v !== 'string' || !allowed.includes(v)) {
          problems.push({ path: p, message: `expected one of ${allowed.join(', ')}, got ${describeValue(v)}` });
        }
        break;
      }
      case 'TEXT':
        if (typeof v !== 'string' || v.length > MAX_TEXT_LENGTH) {
          problems.push({
            path: p,
            message:
              typeof v === 'string'
                ? `expected at most ${MAX_TEXT_LENGTH} characters, got ${v.length}`
                : `expected a string, got ${describeValue(v)}`,
          });
        }
        break;
    }
  }
  for (const key of Object.keys(actuals)) {
    if (!byName.has(key)) {
      problems.push({
        path: childPath(path, key),
        message: `unknown parameter ${JSON.stringify(key)}; expected one of ${defs.map((d) => d.name).join(', ') || '(none: the recipe has no parameters)'}`,
      });
    }
  }
  return problems;
}

/** NUMBER actuals outside their inclusive [lowerLimit, upperLimit], in definition order. */
export function limitViolations(defs: ParameterDefinition[], actuals: ActualValues): LimitViolation[] {
  const out: LimitViolation[] = [];
  for (const d of defs) {
    if (d.type !== 'NUMBER') continue;
    const v = actuals[d.name];
    if (!isFiniteNumber(v)) continue;
    const low = d.lowerLimit ?? null;
    const high = d.upperLimit ?? null;
    if ((low !== null && v < low) || (high !== null && v > high)) {
      out.push({ parameter: d.name, value: v, lowerLimit: low, upperLimit: high, unit: d.unit ?? null });
    }
  }
  return out;
}

/** e.g. "power_w = 1830 W is outside [1900, 2100] W", "pressure = 9 mTorr is above the upper limit 8 mTorr". */
export function describeLimitViolation(v: LimitViolation): string {
  const u = v.unit ? ` ${v.unit}` : '';
  const head = `${v.parameter} = ${v.value}${u}`;
  if (v.lowerLimit !== null && v.upperLimit !== null) return `${head} is outside [${v.lowerLimit}, ${v.upperLimit}]${u}`;
  if (v.lowerLimit !== null) return `${head} is below the lower limit ${v.lowerLimit}${u}`;
  if (v.upperLimit !== null) return `${head} is above the upper limit ${v.upperLimit}${u}`;
  return `${head} is outside its limits`;
}

/**
 * Recipes go DRAFT -> RELEASED -> OBSOLETE and never back: runs refer to released versions, so a
 * released recipe is not edited or reopened; a change is a new draft version.
 */
export function recipeTransitionProblem(from: RecipeState, to: RecipeState): string | null {
  for (const s of [from, to]) {
    if (!RECIPE_STATES.includes(s)) return `expected a recipe state (${RECIPE_STATES.join(', ')}), got ${describeValue(s)}`;
  }
  if (from === 'DRAFT' && to === 'RELEASED') return null;
  if (from === 'RELEASED' && to === 'OBSOLETE') return null;
  if (from === to) return `the recipe is already ${from}`;
  switch (from) {
    case 'DRAFT':
      return `a DRAFT recipe can only be RELEASED, not made ${to}`;
    case 'RELEASED':
      return `a RELEASED recipe can only be made OBSOLETE, not ${to} (changes go into a new draft version)`;
    case 'OBSOLETE':
      return `an OBSOLETE recipe is final and cannot become ${to} (create a new draft version instead)`;
  }
}
