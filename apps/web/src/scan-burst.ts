/**
 * Tells a barcode scanner from a person. A scanner "types" a whole code in a burst (a few ms per
 * key) and ends it with Enter; a person types far slower. Keys arriving within `maxGapMs` of each
 * other form a burst; Enter after a burst of at least `minLength` keys is a scan, wherever the focus
 * was, so a code scanned while someone types in another field is still taken whole.
 */
export interface ScanBurstOptions {
  maxGapMs: number;
  minLength: number;
}

// Scanners send a key every 2-15 ms; people rarely type two keys within 50 ms for long.
export const DEFAULT_SCAN_BURST: ScanBurstOptions = { maxGapMs: 50, minLength: 3 };

export class ScanBurstDetector {
  private buffer = '';
  private lastAt = -Infinity;

  constructor(private readonly options: ScanBurstOptions = DEFAULT_SCAN_BURST) {}

  /**
   * Feed one key (KeyboardEvent.key) and its time in ms. Returns the scanned code when this key
   * ends a burst with Enter, else null. Keys other than single characters and Enter are ignored.
   */
  key(key: string, atMs: number): string | null {
    const gap = atMs - this.lastAt;
    this.lastAt = atMs;
    if (key === 'Enter') {
      const code = this.buffer;
      this.buffer = '';
      return gap <= this.options.maxGapMs && code.length >= this.options.minLength ? code : null;
    }
    if (key.length !== 1) return null;
    // A slow key starts a new burst: whatever a person typed before is not part of the code.
    this.buffer = gap <= this.options.maxGapMs ? this.buffer + key : key;
    return null;
  }

  /** The characters of the burst in progress. */
  get pending(): string {
    return this.buffer;
  }

  /** True when a key at `atMs` would start a new burst (so a field's value before it is worth keeping). */
  startsBurst(atMs: number): boolean {
    return atMs - this.lastAt > this.options.maxGapMs;
  }
}

/** A singulated cell's code `<sheet>-R<row>C<col>`, parsed from the end; null when it is not one. */
export function parseCellCode(code: string): { sheet: string; row: number; col: number } | null {
  const m = /^(.+)-R(\d+)C(\d+)$/.exec(code);
  return m ? { sheet: m[1], row: Number(m[2]), col: Number(m[3]) } : null;
}
