import { addMonths, isMissingPartition, monthBounds, monthOf, monthsBetween, parseMonth, partitionName } from './month-partitions';

describe('month partitions: months and names', () => {
  it('takes the month of an instant in UTC, whatever the local zone would say', () => {
    expect(monthOf(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12');
    expect(monthOf(new Date('2027-01-01T00:00:00Z'))).toBe('2027-01');
  });

  it('counts months across years, both ways', () => {
    expect(addMonths('2026-11', 3)).toBe('2027-02');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(monthsBetween('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthsBetween('2026-05', '2026-04')).toEqual([]);
  });

  it('bounds a month as [its first instant, the next month first instant) in UTC', () => {
    expect(monthBounds('2026-12')).toEqual({ from: '2026-12-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
  });

  it('names a partition after its table and month, and refuses what is not a month', () => {
    expect(partitionName('trace_batches', '2026-07')).toBe('trace_batches_p2026_07');
    expect(() => partitionName('trace_batches', '2026-13')).toThrow(
      'month "2026-13" is not a month: expected YYYY-MM, for example 2026-01',
    );
    expect(() => parseMonth('last month', 'before')).toThrow('before "last month" is not a month');
  });

  it("knows PostgreSQL's refusal of a row that has no partition by its SQLSTATE and message", () => {
    const refused = Object.assign(new Error('no partition of relation "trace_batches" found for row'), { code: '23514' });
    expect(isMissingPartition(refused)).toBe(true);
    expect(isMissingPartition(Object.assign(new Error('new row violates check constraint'), { code: '23514' }))).toBe(false);
    expect(isMissingPartition('no partition of relation')).toBe(false);
  });
});
