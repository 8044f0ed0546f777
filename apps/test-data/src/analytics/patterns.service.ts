import { Injectable } from '@nestjs/common';
import { classifyMap, rollGrid, sheetGrid, stackMaps, type Classification, type StackedMap } from '@mes/analytics';
import { DomainError } from '@mes/service-core';
import {
  type RollPatternEntity,
  type SheetPatternEntity,
  PatternsRepository,
  SheetMapsRepository,
  type LoadedSheetMap,
  type MapMetric,
} from '@mes/test-data-store';

/** Spatial pattern classes of sheets and rolls, and stacked maps. */
@Injectable()
export class PatternsService {
  constructor(
    private readonly patterns: PatternsRepository,
    private readonly maps: SheetMapsRepository,
  ) {}

  async classifySheet(map: LoadedSheetMap): Promise<Classification> {
    const c = classifyMap(sheetGrid(map));
    await this.patterns.saveSheet(map, c);
    return c;
  }

  /** The roll's tested sheets one after the other along MD, classified as one map. */
  async classifyRoll(roll: string): Promise<Classification | null> {
    const sheets = await this.maps.rollSheets(roll);
    if (!sheets.length) return null;
    // Sheets whose MD is unknown are laid out one after the other in barcode order.
    let md = 0;
    const placed = sheets.map((s) => {
      const first = s.firstRowMdMm ?? md;
      md = first + (s.rows + 1) * (s.pitchMdMm ?? 1);
      return { ...s, firstRowMdMm: first };
    });
    const cols = placed[0].cols;
    const sameGrid = placed.filter((s) => s.cols === cols);
    const c = classifyMap(rollGrid(sameGrid));
    await this.patterns.saveRoll(roll, sameGrid.length, c);
    return c;
  }

  sheetPattern(sheet: string): Promise<SheetPatternEntity | null> {
    return this.patterns.sheetPattern(sheet);
  }

  rollPattern(roll: string): Promise<RollPatternEntity | null> {
    return this.patterns.rollPattern(roll);
  }

  sheetPatternsOfRoll(roll: string): Promise<SheetPatternEntity[]> {
    return this.patterns.sheetPatternsOfRoll(roll);
  }

  /** Per (row, col) over a roll's tested sheets or a named set: failure rate and metric mean. */
  async stackedMap(
    scope: { roll?: string | null; sheets?: string[] | null },
    metric: MapMetric,
  ): Promise<StackedMap & { sheetBarcodes: string[] }> {
    if (!!scope.roll === !!(scope.sheets && scope.sheets.length)) {
      throw new DomainError('VALIDATION_FAILED', 'A stacked map needs either a roll or a list of sheets, not both and not neither', [
        { path: 'roll', message: 'expected a roll barcode or sheets' },
      ]);
    }
    const maps = scope.roll ? await this.maps.rollSheets(scope.roll, metric) : await this.maps.sheets(scope.sheets as string[], metric);
    if (!maps.length)
      throw new DomainError(
        'NOT_FOUND',
        scope.roll ? `Roll ${scope.roll} has no binned sheets` : `None of the sheets ${(scope.sheets ?? []).join(', ')} has binned results`,
      );
    const { rows, cols } = maps[0];
    const other = maps.find((m) => m.rows !== rows || m.cols !== cols);
    if (other)
      throw new DomainError(
        'VALIDATION_FAILED',
        `Sheet ${other.sheet} is ${other.rows} x ${other.cols} cells, ${maps[0].sheet} ${rows} x ${cols}: a stacked map needs sheets of one grid`,
      );
    return { ...stackMaps(maps), sheetBarcodes: maps.map((m) => m.sheet) };
  }
}
