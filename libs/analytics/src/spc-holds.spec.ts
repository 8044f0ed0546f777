import { holdCovers, planHolds, regionKey, sharedHoldReason, violationRegions, type HoldRegion, type PlacedHold } from './spc-holds';

const md = (roll: string, from: number, to: number): HoldRegion => ({ roll, mdFromMm: from, mdToMm: to, sheet: null });
const sheetRegion = (roll: string, sheet: string): HoldRegion => ({ roll, mdFromMm: null, mdToMm: null, sheet });
const held = (id: string, r: HoldRegion): PlacedHold => ({ ...r, holdId: id });

describe('SPC holds: one per roll region per landing', () => {
  it('a violation covers, per roll, its first to last sheet; the sheets themselves where an MD position is missing', () => {
    expect(
      violationRegions([
        { sheet: 'S1', roll: 'R1', mdFromMm: 100, mdToMm: 200 },
        { sheet: 'S3', roll: 'R1', mdFromMm: 300, mdToMm: 400 },
        { sheet: 'T1', roll: 'R2', mdFromMm: 10, mdToMm: 20 },
        { sheet: 'T2', roll: 'R2', mdFromMm: null, mdToMm: null },
      ]),
    ).toEqual([md('R1', 100, 400), sheetRegion('R2', 'T1'), sheetRegion('R2', 'T2')]);
  });

  it('keys an event’s holds per roll for MD regions and per sheet otherwise', () => {
    expect(regionKey(md('R1', 0, 1))).toBe('roll:R1');
    expect(regionKey(sheetRegion('R1', 'S1'))).toBe('sheet:R1/S1');
  });

  it('a hold covers a region of its roll inside its MD range, edges included; an overlap or another roll is not covered', () => {
    expect(holdCovers(md('R1', 100, 400), md('R1', 100, 400))).toBe(true);
    expect(holdCovers(md('R1', 100, 400), md('R1', 200, 300))).toBe(true);
    expect(holdCovers(md('R1', 100, 400), md('R1', 99.9, 300))).toBe(false);
    expect(holdCovers(md('R1', 100, 400), md('R1', 300, 400.1))).toBe(false);
    expect(holdCovers(md('R1', 100, 400), md('R2', 200, 300))).toBe(false);
    // A sheet without MD position is covered by a hold on that sheet only.
    expect(holdCovers(sheetRegion('R1', 'S1'), sheetRegion('R1', 'S1'))).toBe(true);
    expect(holdCovers(md('R1', 0, 1e6), sheetRegion('R1', 'S1'))).toBe(false);
    expect(holdCovers(sheetRegion('R1', 'S1'), md('R1', 0, 1))).toBe(false);
  });

  it('events of one landing on the same or nested regions share one hold, the widest', () => {
    const plan = planHolds(
      [
        { event: 'N1', region: md('R1', 300, 400) },
        { event: 'MR', region: md('R1', 300, 400) },
        { event: 'WE2', region: md('R1', 100, 400) },
      ],
      [],
    );
    expect(plan.joins).toEqual([]);
    expect(plan.place).toHaveLength(1);
    expect(plan.place[0].region).toEqual(md('R1', 100, 400));
    expect(plan.place[0].members.map((m) => m.event)).toEqual(['WE2', 'N1', 'MR']);
  });

  it('an active hold covering the region is joined; an overlapping one is not, and other rolls get their own', () => {
    const active = [held('H1', md('R1', 0, 350))];
    const plan = planHolds(
      [
        { event: 'A', region: md('R1', 200, 300) },
        { event: 'B', region: md('R1', 300, 400) },
        { event: 'C', region: md('R2', 300, 400) },
      ],
      active,
    );
    expect(plan.joins).toEqual([{ event: 'A', region: md('R1', 200, 300), hold: active[0] }]);
    expect(plan.place.map((p) => [p.region, p.members.map((m) => m.event)])).toEqual([
      [md('R1', 300, 400), ['B']],
      [md('R2', 300, 400), ['C']],
    ]);
  });

  it('sheet regions share a hold per sheet', () => {
    const plan = planHolds(
      [
        { event: 'A', region: sheetRegion('R1', 'S1') },
        { event: 'B', region: sheetRegion('R1', 'S1') },
        { event: 'B', region: sheetRegion('R1', 'S2') },
      ],
      [],
    );
    expect(plan.place.map((p) => [p.region.sheet, p.members.map((m) => m.event)])).toEqual([
      ['S1', ['A', 'B']],
      ['S2', ['B']],
    ]);
  });

  it('a shared reason names each event’s reason once', () => {
    expect(sharedHoldReason(['a', 'b', 'a'])).toBe('a; b');
    expect(sharedHoldReason(['only'])).toBe('only');
  });
});
