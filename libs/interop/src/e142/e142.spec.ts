import { XMLValidator } from 'fast-xml-parser';
import { E142FormatError, readE142, readPickResult, writeE142, type E142Map } from './e142';

function sheetMap(): E142Map {
  const rows = 3;
  const cols = 5;
  const codes = Array.from({ length: rows * cols }, (_, i) => (i === 7 ? null : i === 3 ? 14 : i === 9 ? 0 : 1 + (i % 2)));
  return {
    substrateId: 'S-R0001-0007',
    substrateType: 'Sheet',
    lotId: 'R0001 & <co>',
    rows,
    cols,
    pitchXMm: 5.5,
    pitchYMm: 6,
    cellXMm: 5,
    cellYMm: 5,
    mapName: 'SoftBin',
    bins: [
      { code: 0, count: 0, quality: 'Fail', description: 'RIG_FAULT', pick: false },
      { code: 1, count: 0, quality: 'Pass', description: 'PASS_A', pick: true },
      { code: 2, count: 0, quality: 'Pass', description: 'PASS_B', pick: true },
      { code: 14, count: 0, quality: 'Fail', description: 'FAIL_OCV', pick: false },
      { code: 17, count: 0, quality: 'Fail', description: 'FAIL_FIT', pick: false },
    ],
    codes,
  };
}

describe('SEMI E142 substrate map', () => {
  it('writes well-formed XML that reads back cell by cell, with counts from the cells', () => {
    const map = sheetMap();
    const xml = writeE142(map);
    expect(XMLValidator.validate(xml)).toBe(true);
    const back = readE142(xml);
    expect(back.codes).toEqual(map.codes);
    expect([back.substrateId, back.lotId, back.rows, back.cols, back.pitchXMm, back.pitchYMm, back.cellXMm]).toEqual([
      'S-R0001-0007',
      'R0001 & <co>',
      3,
      5,
      5.5,
      6,
      5,
    ]);
    const count = (code: number) => map.codes.filter((c) => c === code).length;
    expect(back.bins.map((b) => [b.code, b.count, b.quality, b.pick])).toEqual([
      [0, 1, 'Fail', false],
      [1, count(1), 'Pass', true],
      [2, count(2), 'Pass', true],
      [14, 1, 'Fail', false],
      [17, 0, 'Fail', false],
    ]);
  });

  it('writes one BinCode row per sheet row from the leading edge, two hex characters per cell, FF where untested', () => {
    const xml = writeE142(sheetMap());
    const rows = [...xml.matchAll(/<BinCode>([0-9A-F]+)<\/BinCode>/g)].map((m) => m[1]);
    expect(rows).toEqual(['0102010E01', '0201FF0100', '0102010201']);
    expect(xml).toContain('OriginLocation="UpperLeft" AxisDirection="DownRight"');
  });

  it('reads a lower-left origin and Decimal codes as the same cells', () => {
    const xml = writeE142(sheetMap())
      .replace('OriginLocation="UpperLeft"', 'OriginLocation="LowerLeft"')
      .replace(
        /<BinCode>([0-9A-F]+)<\/BinCode>/g,
        (_, r: string) =>
          `<BinCode>${(r.match(/../g) as string[]).map((h) => String(parseInt(h, 16)).padStart(3, '0')).join('')}</BinCode>`,
      )
      .replace('BinType="HexaDecimal" NullBin="FF"', 'BinType="Decimal" NullBin="255"')
      .replace(/BinCode="([0-9A-F]{2})"/g, (_, h: string) => `BinCode="${parseInt(h, 16)}"`);
    const back = readE142(xml);
    const original = sheetMap();
    for (let r = 0; r < 3; r++) expect(back.codes.slice(r * 5, r * 5 + 5)).toEqual(original.codes.slice((2 - r) * 5, (2 - r) * 5 + 5));
  });

  it('refuses a map it cannot hold', () => {
    expect(() => writeE142({ ...sheetMap(), codes: [1] })).toThrow('needs 15 codes, got 1');
    const m = sheetMap();
    m.codes[0] = 9;
    expect(() => writeE142(m)).toThrow('bin code 9 is used in the map but has no bin definition');
  });

  describe('bad input', () => {
    const xml = writeE142(sheetMap());
    const error = (text: string): E142FormatError => {
      try {
        readE142(text, 'pick.xml');
      } catch (e) {
        return e as E142FormatError;
      }
      throw new Error('expected an error');
    };
    it('a truncated file names the line of the break', () => {
      const e = error(xml.slice(0, xml.indexOf('</BinCodeMap>')));
      expect(e).toBeInstanceOf(E142FormatError);
      expect(e.message).toMatch(/^pick\.xml: line \d+, column \d+: not well-formed XML/);
    });
    it('a damaged XML declaration the validator lets through (found by fuzzing) is refused as malformed, not thrown', () => {
      const e = error(xml.replace('<?xml version="', '<?ers'));
      expect(e).toBeInstanceOf(E142FormatError);
      expect(e.message).toMatch(/^pick\.xml: document: not well-formed XML/);
    });
    it('a row of the wrong length', () => {
      expect(error(xml.replace('<BinCode>0102010E01</BinCode>', '<BinCode>0102010E</BinCode>')).message).toBe(
        'pick.xml: BinCode row 1: expected 5 cells of 2 characters (10), got 8 characters',
      );
    });
    it('a missing row', () => {
      expect(error(xml.replace('<BinCode>0102010E01</BinCode>', '')).message).toContain(
        'expected 3 <BinCode> rows (Layout Dimension Y), found 2',
      );
    });
    it('a code without a definition', () => {
      expect(error(xml.replace('<BinCode>0102010E01</BinCode>', '<BinCode>0102010E03</BinCode>')).message).toBe(
        'pick.xml: BinCode row 1, cell 5: bin code "03" has no <BinDefinition>',
      );
    });
    it('another XML document', () => {
      expect(error('<?xml version="1.0"?><Recipe><Step/></Recipe>').message).toBe(
        'pick.xml: root element: expected <MapData> (SEMI E142 substrate map)',
      );
    });
    it('a bin type it does not know', () => {
      expect(error(xml.replace('BinType="HexaDecimal"', 'BinType="Integer2"')).message).toContain(
        'expected HexaDecimal, Decimal or ASCII, got "Integer2"',
      );
    });
  });

  it('reads a pick result: each cell with the code the picker wrote and whether that means picked', () => {
    const result = writeE142({
      ...sheetMap(),
      mapName: 'PickResult',
      bins: [
        { code: 1, count: 0, quality: 'Pass', description: 'PICKED', pick: true },
        { code: 2, count: 0, quality: 'Fail', description: 'SKIPPED', pick: false },
      ],
      codes: Array.from({ length: 15 }, (_, i) => (i < 2 ? null : i % 4 === 0 ? 2 : 1)),
    });
    const pick = readPickResult(result, 'picker.xml');
    expect(pick.sheet).toBe('S-R0001-0007');
    expect(pick.cells).toHaveLength(13);
    expect(pick.cells[0]).toEqual({ row: 0, col: 2, code: 1, description: 'PICKED', picked: true });
    expect(pick.cells.find((c) => c.row === 0 && c.col === 4)).toEqual({ row: 0, col: 4, code: 2, description: 'SKIPPED', picked: false });
  });
});
