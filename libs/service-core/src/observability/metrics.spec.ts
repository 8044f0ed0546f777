import { operationLabel, routeLabel } from './metrics';

describe('metric labels stay kinds of requests, not one series per thing', () => {
  it('uses the matched route pattern where there is one', () => {
    expect(routeLabel({ baseUrl: '', route: { path: '/api/v1/sheet-tests/:id' }, originalUrl: '/api/v1/sheet-tests/9f1c' })).toBe(
      '/api/v1/sheet-tests/:id',
    );
  });

  it('replaces ids and barcodes in an unmatched path and cuts it at four segments', () => {
    expect(routeLabel({ originalUrl: '/api/v1/sheet-tests/3fa85f64-5717-4562-b3fc-2c963f66afa6?x=1' })).toBe('/api/v1/sheet-tests/:id');
    expect(routeLabel({ originalUrl: '/api/v1/exports/sheets/S-R0001-0003/stdf' })).toBe('/api/v1/exports/sheets');
    expect(routeLabel({ originalUrl: '/graphql' })).toBe('/graphql');
    expect(routeLabel({ originalUrl: '/' })).toBe('/');
  });

  it('keeps plain operation names and folds the rest', () => {
    expect(operationLabel('SheetMap')).toBe('SheetMap');
    expect(operationLabel(undefined)).toBe('anonymous');
    expect(operationLabel('drop table; --')).toBe('invalid-name');
    expect(operationLabel('x'.repeat(65))).toBe('invalid-name');
  });
});
