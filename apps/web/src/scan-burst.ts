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

// A scanner sends a key every 2-15 ms, but a busy terminal's browser can see its keys up to ~100 ms
// apart; a person types letters 150 ms or more apart. The station adds its own check (a code has a
// letter) for bursts outside the scan field, where a person types only digits.
export const DEFAULT_SCAN_BURST: ScanBurstOptions = { maxGapMs: 120, minLength: 4 };

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
