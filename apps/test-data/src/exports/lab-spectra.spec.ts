import 'reflect-metadata';
import { DomainError } from '@mes/service-core';
import { labSpectraUploadOf } from './lab-spectra.controller';

const good = { rig: 'LAB 1', sheet: 'S-R0001-0006', row: 2, col: 3, ocvV: 0.05, files: [{ name: 'cell.mpt', content: 'x' }] };

async function refusal(body: unknown): Promise<DomainError> {
  try {
    await labSpectraUploadOf(body);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('lab spectra upload body', () => {
  it('takes a valid body as it is, the optional fields absent', async () => {
    const input = await labSpectraUploadOf({ ...good, extra: 1 });
    expect(input).toMatchObject(good);
    expect(input.temperatureC).toBeUndefined();
    expect(input.files[0].format).toBeUndefined();
    await expect(
      labSpectraUploadOf({
        ...good,
        temperatureC: 24,
        startedAt: '2026-01-02T03:04:05Z',
        files: [{ ...good.files[0], format: 'biologic-mpt' }],
      }),
    ).resolves.toMatchObject({ temperatureC: 24, startedAt: '2026-01-02T03:04:05Z' });
  });

  it('refuses a body that is no object with every required field named, one problem each', async () => {
    for (const body of [null, [], 'text', 7]) {
      const e = await refusal(body);
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.details).toEqual([
        { path: 'rig', message: 'expected the name of a registered lab rig' },
        { path: 'sheet', message: 'expected a sheet barcode' },
        { path: 'row', message: 'expected a whole number >= 0' },
        { path: 'col', message: 'expected a whole number >= 0' },
        { path: 'ocvV', message: 'expected the open-circuit voltage in volts' },
        { path: 'files', message: 'expected 1 or more { name, content, format? }' },
      ]);
      expect(e.message).toMatch(/^Lab spectra upload refused: rig: expected the name of a registered lab rig; sheet: /);
    }
  });

  it('names each wrong field by its path in the body', async () => {
    const e = await refusal({
      ...good,
      rig: '',
      row: -1,
      col: 1.5,
      ocvV: '0.05',
      temperatureC: null,
      startedAt: 'yesterday',
      files: [{ name: 'a.mpt', content: 'x', format: 'pdf' }, 5, { name: '', content: 3, format: null }],
    });
    expect(e.details).toEqual([
      { path: 'rig', message: 'expected the name of a registered lab rig' },
      { path: 'row', message: 'expected a whole number >= 0' },
      { path: 'col', message: 'expected a whole number >= 0' },
      { path: 'ocvV', message: 'expected the open-circuit voltage in volts' },
      { path: 'temperatureC', message: 'expected degrees Celsius' },
      { path: 'startedAt', message: 'expected an ISO 8601 time' },
      { path: 'files[0].format', message: expect.stringMatching(/^expected one of gamry-dta, biologic-mpt, /) },
      { path: 'files[1].name', message: 'expected the file name' },
      { path: 'files[1].content', message: 'expected the file text' },
      { path: 'files[2].name', message: 'expected the file name' },
      { path: 'files[2].content', message: 'expected the file text' },
      { path: 'files[2].format', message: expect.stringMatching(/^expected one of /) },
    ]);
  });

  it('refuses files that are not a list, or an empty one, with the one files problem', async () => {
    for (const files of [[], {}, 'cell.mpt', null]) {
      const e = await refusal({ ...good, files });
      expect(e.details).toEqual([{ path: 'files', message: 'expected 1 or more { name, content, format? }' }]);
    }
  });
});
