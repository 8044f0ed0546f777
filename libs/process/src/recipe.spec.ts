import {
  actualValueProblems,
  bandSetpoint,
  describeLimitViolation,
  limitViolations,
  parameterDefinitionProblems,
  recipeTransitionProblem,
  traceBandProblems,
  type ParameterDefinition,
  type RecipeState,
  type TraceBand,
} from './index';

const num = (
  name: string,
  unit: string,
  target: number | null,
  lowerLimit: number | null,
  upperLimit: number | null,
  required = true,
): ParameterDefinition => ({
  name,
  unit,
  type: 'NUMBER',
  target,
  lowerLimit,
  upperLimit,
  required,
  allowedValues: null,
});

// An LiPON-on-LCO sputter step as a recipe would define it.
const defs: ParameterDefinition[] = [
  num('power_w', 'W', 2000, 1900, 2100),
  num('pressure_mtorr', 'mTorr', 5, 3, 8),
  num('rate_a_per_s', 'Å/s', 12, null, null),
  num('web_speed_m_per_min', 'm/min', 0.5, 0.4, null, false),
  {
    name: 'interlayer_material',
    unit: null,
    type: 'ENUM',
    target: 'Ti',
    lowerLimit: null,
    upperLimit: null,
    required: true,
    allowedValues: ['Ti', 'Cr', 'none'],
  },
  { name: 'target_lot', unit: null, type: 'TEXT', target: null, lowerLimit: null, upperLimit: null, required: false, allowedValues: null },
];

const band = (b: Partial<TraceBand>): TraceBand => ({
  channel: 'qcm_rate',
  setpointParameter: null,
  setpoint: null,
  tolerancePct: 20,
  minDurationS: 60,
  ...b,
});

describe('parameterDefinitionProblems', () => {
  it('accepts a consistent definition list, and an empty one', () => {
    expect(parameterDefinitionProblems(defs)).toEqual([]);
    expect(parameterDefinitionProblems([])).toEqual([]);
  });

  it('accepts missing nullable fields as null (JSON inputs leave them out)', () => {
    const partial = [{ name: 'note', type: 'TEXT', required: false }] as unknown as ParameterDefinition[];
    expect(parameterDefinitionProblems(partial)).toEqual([]);
  });

  it('requires unique snake_case names', () => {
    const bad = [
      num('Power', 'W', 1, null, null),
      num('power_w', 'W', 1, null, null),
      num('power_w', 'W', 1, null, null),
      num('a__b', 'W', 1, null, null),
      num('_x', 'W', 1, null, null),
    ];
    const problems = parameterDefinitionProblems(bad, 'recipe.parameters');
    expect(problems.map((p) => p.path)).toEqual([
      'recipe.parameters[0].name',
      'recipe.parameters[2].name',
      'recipe.parameters[3].name',
      'recipe.parameters[4].name',
    ]);
    expect(problems[0].message).toMatch(/^expected a snake_case name .* got string "Power"$/);
    expect(problems[1].message).toBe('expected a unique name, got power_w again (also recipe.parameters[1])');
  });

  it('checks NUMBER targets against the limits and the limits against each other', () => {
    expect(parameterDefinitionProblems([num('power_w', 'W', 2200, 1900, 2100)])).toEqual([
      { path: 'parameters[0].target', message: 'expected target <= upperLimit 2100, got 2200' },
    ]);
    expect(parameterDefinitionProblems([num('power_w', 'W', 1800, 1900, null)])).toEqual([
      { path: 'parameters[0].target', message: 'expected target >= lowerLimit 1900, got 1800' },
    ]);
    expect(parameterDefinitionProblems([num('power_w', 'W', null, 2100, 1900)])).toEqual([
      { path: 'parameters[0].upperLimit', message: 'expected upperLimit >= lowerLimit 2100, got 1900' },
    ]);
    // a target exactly on a limit, and lower == upper, are fine
    expect(parameterDefinitionProblems([num('power_w', 'W', 1900, 1900, 1900)])).toEqual([]);
  });

  it('requires finite numbers and a unit for NUMBER, and no ENUM fields', () => {
    const bad = { ...num('power_w', '', NaN, Infinity, null), allowedValues: ['a'], target: Number.NaN } as ParameterDefinition;
    expect(parameterDefinitionProblems([bad])).toEqual([
      { path: 'parameters[0].unit', message: expect.stringMatching(/^expected a unit of at most 20 characters .* got string ""$/) },
      { path: 'parameters[0].allowedValues', message: 'expected null for a NUMBER parameter (ENUM only), got an array' },
      { path: 'parameters[0].target', message: 'expected null or a finite number, got NaN' },
      { path: 'parameters[0].lowerLimit', message: 'expected null or a finite number, got Infinity' },
    ]);
    const textTarget = num('power_w', 'W', null, null, null);
    (textTarget as { target: unknown }).target = '2000';
    expect(parameterDefinitionProblems([textTarget])[0]).toEqual({
      path: 'parameters[0].target',
      message: 'expected null or a finite number, got string "2000"',
    });
  });

  it('checks ENUM allowed values and target, and refuses units and limits on ENUM and TEXT', () => {
    const e: ParameterDefinition = {
      name: 'gas',
      unit: 'sccm',
      type: 'ENUM',
      target: 'He',
      lowerLimit: 1,
      upperLimit: null,
      required: true,
      allowedValues: ['Ar', '', 'Ar'],
    };
    expect(parameterDefinitionProblems([e])).toEqual([
      { path: 'parameters[0].unit', message: 'expected null for an ENUM parameter (NUMBER only), got string "sccm"' },
      { path: 'parameters[0].lowerLimit', message: 'expected null for an ENUM parameter (NUMBER only), got 1' },
      { path: 'parameters[0].allowedValues[1]', message: 'expected a non-blank string of at most 100 characters, got string ""' },
      { path: 'parameters[0].allowedValues[2]', message: 'expected unique allowed values, got "Ar" twice' },
      { path: 'parameters[0].target', message: 'expected null or one of the allowed values (Ar), got string "He"' },
    ]);
    expect(parameterDefinitionProblems([{ ...e, unit: null, lowerLimit: null, target: null, allowedValues: [] }])).toEqual([
      { path: 'parameters[0].allowedValues', message: 'expected a non-empty array of strings for an ENUM parameter, got an array' },
    ]);
    const t: ParameterDefinition = {
      name: 'note',
      unit: null,
      type: 'TEXT',
      target: 'x'.repeat(501),
      lowerLimit: null,
      upperLimit: null,
      required: false,
      allowedValues: ['a'],
    };
    expect(parameterDefinitionProblems([t]).map((p) => p.path)).toEqual(['parameters[0].allowedValues', 'parameters[0].target']);
  });

  it('reports wrong JSON shapes instead of throwing', () => {
    expect(parameterDefinitionProblems('x' as unknown as ParameterDefinition[])).toEqual([
      { path: 'parameters', message: 'expected an array of parameter definitions, got string "x"' },
    ]);
    expect(parameterDefinitionProblems([null, { name: 'a', type: 'FLOAT', required: 'yes' }] as unknown as ParameterDefinition[])).toEqual([
      { path: 'parameters[0]', message: 'expected a parameter definition object, got null' },
      { path: 'parameters[1].required', message: 'expected true or false, got string "yes"' },
      { path: 'parameters[1].type', message: 'expected one of NUMBER, ENUM, TEXT, got string "FLOAT"' },
    ]);
  });
});

describe('traceBandProblems and bandSetpoint', () => {
  it('accepts a band on a parameter target or on a fixed setpoint, and resolves the setpoint', () => {
    const bands = [
      band({ setpointParameter: 'rate_a_per_s' }),
      band({ channel: 'pressure', setpoint: 5, tolerancePct: 10, minDurationS: 0 }),
    ];
    expect(traceBandProblems(bands, defs)).toEqual([]);
    expect(bandSetpoint(bands[0], defs)).toBe(12);
    expect(bandSetpoint(bands[1], defs)).toBe(5);
  });

  it('matches the parameter unit to the channel unit, accepting equivalent spellings', () => {
    const angstromSign = [num('rate', '\u212B/s', 12, null, null)];
    expect(traceBandProblems([band({ setpointParameter: 'rate' })], angstromSign)).toEqual([]);
    expect(traceBandProblems([band({ channel: 'power', setpointParameter: 'rate_a_per_s' })], defs)).toEqual([
      { path: 'traceBands[0].setpointParameter', message: 'expected a parameter in W (the unit of power), got rate_a_per_s in Å/s' },
    ]);
  });

  it('requires exactly one setpoint source', () => {
    expect(traceBandProblems([band({}), band({ channel: 'power', setpoint: 2000, setpointParameter: 'power_w' })], defs)).toEqual([
      { path: 'traceBands[0]', message: expect.stringMatching(/^expected exactly one of setpointParameter .* got neither$/) },
      { path: 'traceBands[1]', message: 'expected exactly one of setpointParameter or setpoint, got both' },
    ]);
  });

  it('requires the setpoint parameter to be a NUMBER of this recipe with a non-zero target', () => {
    const withZero = [...defs, num('bias_v', 'W', 0, null, null), num('no_target', 'W', null, null, null)];
    const problems = traceBandProblems(
      [
        band({ setpointParameter: 'nope' }),
        band({ channel: 'power', setpointParameter: 'interlayer_material' }),
        band({ channel: 'reflected_power', setpointParameter: 'bias_v' }),
        band({ channel: 'drum_temp', setpointParameter: 'no_target' }),
        band({ channel: 'ar_flow', setpoint: 0 }),
      ],
      withZero,
    );
    expect(problems).toEqual([
      { path: 'traceBands[0].setpointParameter', message: 'expected the name of a parameter of this recipe, got string "nope"' },
      {
        path: 'traceBands[1].setpointParameter',
        message: 'expected a NUMBER parameter with a target, got interlayer_material (ENUM, target string "Ti")',
      },
      {
        path: 'traceBands[2].setpointParameter',
        message: 'expected a parameter with a non-zero target (the band is ± a percentage of it), got bias_v = 0',
      },
      {
        path: 'traceBands[3].setpointParameter',
        message: 'expected a NUMBER parameter with a target, got no_target (NUMBER, target null)',
      },
      { path: 'traceBands[4].setpoint', message: 'expected a finite non-zero number (the band is ± a percentage of it), got 0' },
    ]);
  });

  it('requires a known GAUGE or SPEED channel, once, a tolerance in (0, 100] and a duration >= 0', () => {
    const problems = traceBandProblems(
      [
        band({ channel: 'qcm', setpoint: 1 }),
        band({ channel: 'shutter', setpoint: 1 }),
        band({ channel: 'encoder_md', setpoint: 1 }),
        band({ channel: 'web_speed', setpoint: 0.5, tolerancePct: 100 }),
        band({ channel: 'web_speed', setpoint: 0.5, tolerancePct: 0, minDurationS: -1 }),
        band({ channel: 'rh', setpoint: 1, tolerancePct: 100.5, minDurationS: NaN }),
      ],
      defs,
    );
    expect(problems).toEqual([
      { path: 'traceBands[0].channel', message: expect.stringMatching(/^expected a known trace channel .* got string "qcm"$/) },
      { path: 'traceBands[1].channel', message: 'expected a GAUGE or SPEED channel for a ± % band, got shutter (STATE)' },
      { path: 'traceBands[2].channel', message: 'expected a GAUGE or SPEED channel for a ± % band, got encoder_md (POSITION)' },
      { path: 'traceBands[4].channel', message: 'expected one band per channel, got web_speed again (also traceBands[3])' },
      { path: 'traceBands[4].tolerancePct', message: 'expected a percentage in (0, 100], got 0' },
      { path: 'traceBands[4].minDurationS', message: 'expected a number of seconds >= 0, got -1' },
      { path: 'traceBands[5].tolerancePct', message: 'expected a percentage in (0, 100], got 100.5' },
      { path: 'traceBands[5].minDurationS', message: 'expected a number of seconds >= 0, got NaN' },
    ]);
  });

  it('bandSetpoint throws for a band that does not resolve', () => {
    expect(() => bandSetpoint(band({ setpointParameter: 'interlayer_material' }), defs)).toThrow(/not a NUMBER parameter with a target/);
  });
});

describe('actualValueProblems', () => {
  const good = { power_w: 1995.5, pressure_mtorr: 5, rate_a_per_s: 11.8, interlayer_material: 'Cr' };

  it('accepts complete actuals with optional ones left out or given', () => {
    expect(actualValueProblems(defs, good)).toEqual([]);
    expect(actualValueProblems(defs, { ...good, web_speed_m_per_min: 0.5, target_lot: 'LCO-2291' })).toEqual([]);
  });

  it('names missing required parameters and unknown ones', () => {
    const rest: Record<string, unknown> = { ...good };
    delete rest.power_w;
    expect(actualValueProblems(defs, { ...rest, powr_w: 2000, 'odd key': 1 }, 'run.actuals')).toEqual([
      { path: 'run.actuals.power_w', message: 'missing required parameter power_w (W)' },
      {
        path: 'run.actuals.powr_w',
        message: expect.stringMatching(/^unknown parameter "powr_w"; expected one of power_w, pressure_mtorr, /),
      },
      { path: 'run.actuals["odd key"]', message: expect.stringMatching(/^unknown parameter "odd key"/) },
    ]);
    expect(actualValueProblems([], { x: 1 })[0].message).toBe(
      'unknown parameter "x"; expected one of (none: the recipe has no parameters)',
    );
  });

  it('checks each value against its type', () => {
    expect(
      actualValueProblems(defs, {
        ...good,
        power_w: '2000',
        pressure_mtorr: NaN,
        rate_a_per_s: null,
        interlayer_material: 'Al',
        target_lot: 'x'.repeat(501),
      }),
    ).toEqual([
      { path: 'actuals.power_w', message: 'expected a finite number in W, got string "2000"' },
      { path: 'actuals.pressure_mtorr', message: 'expected a finite number in mTorr, got NaN' },
      { path: 'actuals.rate_a_per_s', message: 'expected a finite number in Å/s, got null' },
      { path: 'actuals.interlayer_material', message: 'expected one of Ti, Cr, none, got string "Al"' },
      { path: 'actuals.target_lot', message: 'expected at most 500 characters, got 501' },
    ]);
    expect(actualValueProblems(defs, { ...good, target_lot: 7 })).toEqual([
      { path: 'actuals.target_lot', message: 'expected a string, got 7' },
    ]);
    expect(actualValueProblems(defs, { ...good, target_lot: 'x'.repeat(500) })).toEqual([]);
  });

  it('refuses a non-object', () => {
    expect(actualValueProblems(defs, [] as unknown as Record<string, unknown>)).toEqual([
      { path: 'actuals', message: 'expected an object of parameter values, got an array' },
    ]);
  });
});

describe('limitViolations', () => {
  it('finds NUMBER actuals outside their inclusive limits and describes them', () => {
    const v = limitViolations(defs, {
      power_w: 1830,
      pressure_mtorr: 8,
      rate_a_per_s: 99,
      web_speed_m_per_min: 0.3,
      interlayer_material: 'Ti',
    });
    expect(v).toEqual([
      { parameter: 'power_w', value: 1830, lowerLimit: 1900, upperLimit: 2100, unit: 'W' },
      { parameter: 'web_speed_m_per_min', value: 0.3, lowerLimit: 0.4, upperLimit: null, unit: 'm/min' },
    ]);
    expect(describeLimitViolation(v[0])).toBe('power_w = 1830 W is outside [1900, 2100] W');
    expect(describeLimitViolation(v[1])).toBe('web_speed_m_per_min = 0.3 m/min is below the lower limit 0.4 m/min');
    expect(describeLimitViolation({ parameter: 'pressure', value: 9, lowerLimit: null, upperLimit: 8, unit: 'mTorr' })).toBe(
      'pressure = 9 mTorr is above the upper limit 8 mTorr',
    );
    expect(describeLimitViolation({ parameter: 'passes', value: 9, lowerLimit: 1, upperLimit: 3, unit: null })).toBe(
      'passes = 9 is outside [1, 3]',
    );
  });

  it('ignores missing values', () => {
    expect(limitViolations(defs, {})).toEqual([]);
  });
});

describe('recipeTransitionProblem', () => {
  const states: RecipeState[] = ['DRAFT', 'RELEASED', 'OBSOLETE'];
  it('allows only DRAFT -> RELEASED -> OBSOLETE', () => {
    const allowed = states.flatMap((from) =>
      states.filter((to) => recipeTransitionProblem(from, to) === null).map((to) => `${from}->${to}`),
    );
    expect(allowed).toEqual(['DRAFT->RELEASED', 'RELEASED->OBSOLETE']);
    expect(recipeTransitionProblem('RELEASED', 'DRAFT')).toBe(
      'a RELEASED recipe can only be made OBSOLETE, not DRAFT (changes go into a new draft version)',
    );
    expect(recipeTransitionProblem('OBSOLETE', 'RELEASED')).toMatch(/^an OBSOLETE recipe is final/);
    expect(recipeTransitionProblem('DRAFT', 'DRAFT')).toBe('the recipe is already DRAFT');
    expect(recipeTransitionProblem('DRAFT', 'ACTIVE' as RecipeState)).toBe(
      'expected a recipe state (DRAFT, RELEASED, OBSOLETE), got string "ACTIVE"',
    );
  });
});
