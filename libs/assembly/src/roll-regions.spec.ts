import { childRegion, descendantRegions, mergeRegions, type RollChildLink } from './roll-regions';

describe('where-used down the genealogy', () => {
  it('maps a region into a spliced child at its offset, and not into a child made elsewhere', () => {
    // S1 = R1 [2000, 5000) followed by R2 [0, 3000): R1's stretch sits at S1 [0, 3000).
    const fromR1: RollChildLink = { childBarcode: 'S1', mdStartMm: 0, mdEndMm: 3000, parentMdStartMm: 2000 };
    expect(childRegion({ rollBarcode: 'R1', fromMm: 2500, toMm: 2600 }, fromR1)).toEqual({ rollBarcode: 'S1', fromMm: 500, toMm: 600 });
    // Cut at the ends of what went into the child.
    expect(childRegion({ rollBarcode: 'R1', fromMm: 1000, toMm: 2100 }, fromR1)).toEqual({ rollBarcode: 'S1', fromMm: 0, toMm: 100 });
    expect(childRegion({ rollBarcode: 'R1', fromMm: 0, toMm: 2000 }, fromR1)).toBeNull();
    const fromR2: RollChildLink = { childBarcode: 'S1', mdStartMm: 3000, mdEndMm: 6000, parentMdStartMm: 0 };
    expect(childRegion({ rollBarcode: 'R2', fromMm: 100, toMm: 200 }, fromR2)).toEqual({ rollBarcode: 'S1', fromMm: 3100, toMm: 3200 });
    // A whole roll reaches the whole stretch.
    expect(childRegion({ rollBarcode: 'R1', fromMm: -Infinity, toMm: Infinity }, fromR1)).toEqual({
      rollBarcode: 'S1',
      fromMm: 0,
      toMm: 3000,
    });
  });

  it('follows slits and splices any depth down, once each', async () => {
    const links: Record<string, RollChildLink[]> = {
      // R1 slit into two lanes (same MD), lane A spliced after 1000 mm of another roll into S1.
      R1: [
        { childBarcode: 'R1-A', mdStartMm: 0, mdEndMm: 8000, parentMdStartMm: 0 },
        { childBarcode: 'R1-B', mdStartMm: 0, mdEndMm: 8000, parentMdStartMm: 0 },
      ],
      'R1-A': [{ childBarcode: 'S1', mdStartMm: 1000, mdEndMm: 4000, parentMdStartMm: 4000 }],
    };
    const asked: string[] = [];
    const regions = await descendantRegions({ rollBarcode: 'R1', fromMm: 4500, toMm: 5000 }, async (roll) => {
      asked.push(roll);
      return links[roll] ?? [];
    });
    expect(regions).toEqual([
      { rollBarcode: 'R1', fromMm: 4500, toMm: 5000 },
      { rollBarcode: 'R1-A', fromMm: 4500, toMm: 5000 },
      { rollBarcode: 'R1-B', fromMm: 4500, toMm: 5000 },
      { rollBarcode: 'S1', fromMm: 1500, toMm: 2000 },
    ]);
    expect(asked).toEqual(['R1', 'R1-A', 'R1-B', 'S1']);
    // A region before what lane A gave to S1 stays out of S1.
    const early = await descendantRegions({ rollBarcode: 'R1', fromMm: 100, toMm: 200 }, async (roll) => links[roll] ?? []);
    expect(early.map((r) => r.rollBarcode)).toEqual(['R1', 'R1-A', 'R1-B']);
  });

  it('stops a genealogy that loops', async () => {
    let n = 0;
    await expect(
      descendantRegions({ rollBarcode: 'R', fromMm: 0, toMm: 10 }, async () => [
        { childBarcode: `C${n++}`, mdStartMm: 0, mdEndMm: 10, parentMdStartMm: 0 },
      ]),
    ).rejects.toThrow('more than 1000 regions');
  });

  it('merges overlapping regions of one roll so that no cell counts twice', () => {
    expect(
      mergeRegions([
        { rollBarcode: 'S1', fromMm: 500, toMm: 900 },
        { rollBarcode: 'R1', fromMm: 0, toMm: 100 },
        { rollBarcode: 'S1', fromMm: 0, toMm: 600 },
        { rollBarcode: 'S1', fromMm: 1000, toMm: 1100 },
      ]),
    ).toEqual([
      { rollBarcode: 'R1', fromMm: 0, toMm: 100 },
      { rollBarcode: 'S1', fromMm: 0, toMm: 900 },
      { rollBarcode: 'S1', fromMm: 1000, toMm: 1100 },
    ]);
  });
});
