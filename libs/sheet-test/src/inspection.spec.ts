import {
  checkDefectsOnSheet,
  inspectionContentHash,
  inspectionValidationMessage,
  validateInspectionBody,
  type InspectionBody,
} from './index';

const body = (): Record<string, unknown> => ({
  inspectionId: 'AOI-1-0001',
  sheet: 'S0001',
  inspectedAt: '2026-11-22T10:00:00Z',
  alignment: { offsetMdMm: 0.05, offsetCdMm: -0.02, rotationDeg: 0.01 },
  defects: [
    { class: 'PARTICLE', mdMm: 20.5, cdMm: 30, sizeUm: 80, image: 'aoi://1/0001/0.png' },
    { class: 'SCRATCH', mdMm: 0, cdMm: 0, sizeUm: 400 },
  ],
});

function problems(raw: unknown) {
  const v = validateInspectionBody(raw);
  if (v.ok) throw new Error('expected the body to be refused');
  return v.details;
}

describe('inspection body', () => {
  it('accepts a good body, fills the image and alignment it may leave out', () => {
    const v = validateInspectionBody(body());
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value.defects[1]).toEqual({ class: 'SCRATCH', mdMm: 0, cdMm: 0, sizeUm: 400, image: null });
    const bare = validateInspectionBody({ ...body(), alignment: undefined, defects: [] });
    expect(bare.ok && bare.value.alignment).toEqual({ offsetMdMm: 0, offsetCdMm: 0, rotationDeg: 0 });
  });

  it('refuses each bad field with its path and what was expected', () => {
    const b = body();
    b.inspectionId = 'has space';
    b.inspectedAt = '2026-11-22 10:00';
    b.extra = 1;
    b.alignment = { offsetMdMm: 25, offsetCdMm: 0, rotationDeg: 'x' };
    b.defects = [
      { class: 'DUST', mdMm: -1, cdMm: Number.NaN, sizeUm: 0, image: '' },
      { class: 'PINHOLE', mdMm: 1, cdMm: 1, sizeUm: 1e6, colour: 'red' },
      7,
    ];
    expect(problems(b)).toEqual([
      { path: 'extra', message: 'unknown field: expected only inspectionId, sheet, inspectedAt, alignment, defects' },
      { path: 'inspectionId', message: 'expected 1 to 64 characters of A-Z a-z 0-9 . _ : -, got the string "has space"' },
      { path: 'inspectedAt', message: expect.stringContaining('expected an ISO-8601 timestamp with a zone') },
      { path: 'alignment.offsetMdMm', message: 'expected a number from -20 to 20 mm, got 25' },
      { path: 'alignment.rotationDeg', message: 'expected a number from -5 to 5 °, got the string "x"' },
      {
        path: 'defects[0].class',
        message: 'expected one of PARTICLE, PINHOLE, SCRATCH, DELAMINATION, PATTERN_DEFECT, DEBRIS, got the string "DUST"',
      },
      { path: 'defects[0].mdMm', message: "expected millimetres >= 0 from the sheet's leading edge, got -1" },
      { path: 'defects[0].cdMm', message: "expected millimetres >= 0 from the web's operator side, got NaN" },
      { path: 'defects[0].sizeUm', message: 'expected micrometres > 0 and <= 100000, got 0' },
      { path: 'defects[0].image', message: 'expected an image reference of 1 to 512 characters (or null), got an empty string' },
      { path: 'defects[1].colour', message: 'unknown field: expected only class, mdMm, cdMm, sizeUm, image' },
      { path: 'defects[1].sizeUm', message: 'expected micrometres > 0 and <= 100000, got 1000000' },
      { path: 'defects[2]', message: 'expected an object with class, mdMm, cdMm, sizeUm, image, got 7' },
    ]);
    expect(inspectionValidationMessage(problems(b), 13)).toBe(
      'invalid inspection: extra: unknown field: expected only inspectionId, sheet, inspectedAt, alignment, defects (and 12 more problems, see details)',
    );
  });

  it('refuses a body that is no object, or has no defect list', () => {
    expect(problems([])).toEqual([{ path: '', message: expect.stringContaining('expected a JSON object') }]);
    expect(problems({ ...body(), defects: undefined })).toEqual([
      { path: 'defects', message: 'expected an array of defects (empty when the sheet is clean), got nothing' },
    ]);
  });

  it('lists at most 50 problems and counts the rest', () => {
    const many = { ...body(), defects: Array.from({ length: 80 }, () => ({ class: 'PARTICLE', mdMm: 1, cdMm: 1, sizeUm: -1 })) };
    const v = validateInspectionBody(many);
    expect(!v.ok && v.problems).toBe(80);
    expect(!v.ok && v.details.length).toBe(51);
    expect(!v.ok && v.details[50].message).toBe('30 more problems not listed (only the first 50 are)');
  });

  it('refuses defects beyond the sheet length once the sheet is known', () => {
    const v = validateInspectionBody({ ...body(), defects: [{ class: 'PARTICLE', mdMm: 301, cdMm: 1, sizeUm: 5 }] });
    expect(v.ok && checkDefectsOnSheet(v.value, { sheetLengthMdMm: 300 })).toEqual([
      { path: 'defects[0].mdMm', message: 'expected at most the sheet length 300 mm, got 301' },
    ]);
  });

  it('hashes the content: the same instant in another zone is the same, another defect is not', () => {
    const a = (validateInspectionBody(body()) as { value: InspectionBody }).value;
    const sameInstant = { ...a, inspectedAt: '2026-11-22T11:00:00+01:00' };
    const moved = { ...a, defects: [{ ...a.defects[0], mdMm: 20.6 }, a.defects[1]] };
    expect(inspectionContentHash(sameInstant)).toBe(inspectionContentHash(a));
    expect(inspectionContentHash(moved)).not.toBe(inspectionContentHash(a));
    expect(inspectionContentHash({ ...a, alignment: { ...a.alignment, rotationDeg: 0.02 } })).not.toBe(inspectionContentHash(a));
  });
});
