import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * SEMI E142 substrate maps of a sheet. The sheet is one top-level layout of rows x cols cells; the map
 * is drawn with the sheet's leading edge at the top and the operator side on the left, so the origin
 * (cell row 0, col 0) is the upper left, X (col) grows to the right and Y (row) grows downwards: the
 * coordinate contract as it is drawn on every heat map. Each <BinCode> element is one row, top to
 * bottom, two hexadecimal characters per cell; "FF" marks a cell without a result.
 */

export const E142_NAMESPACE = 'urn:semi-org:xsd.E142-1.V1005.SubstrateMap';
export const E142_NULL_BIN = 'FF';

export interface E142BinDefinition {
  /** The bin code as written in the map (for MES exports: the soft bin). */
  code: number;
  count: number;
  /** Pass, Fail or another quality word. */
  quality: string;
  description: string;
  /** Whether the picker takes cells of this bin. */
  pick: boolean;
}

export interface E142Map {
  /** The sheet barcode (SubstrateId). */
  substrateId: string;
  substrateType: string;
  /** The roll the sheet was cut from (LotId), when known. */
  lotId?: string;
  rows: number;
  cols: number;
  /** Cell pitch across (X, CD) and along (Y, MD) the web, mm. */
  pitchXMm: number;
  pitchYMm: number;
  /** Active cell size, mm. */
  cellXMm: number;
  cellYMm: number;
  mapName: string;
  bins: E142BinDefinition[];
  /** Row-major (row * cols + col); null where the cell has no bin. */
  codes: (number | null)[];
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

function hex2(code: number): string {
  return code.toString(16).toUpperCase().padStart(2, '0');
}

/** Writes a substrate map; bin counts are taken from the codes, whatever the definitions say. */
export function writeE142(map: E142Map): string {
  if (!(Number.isInteger(map.rows) && map.rows > 0 && Number.isInteger(map.cols) && map.cols > 0))
    throw new RangeError(`E142 map needs a positive grid, got ${map.rows} x ${map.cols}`);
  if (map.codes.length !== map.rows * map.cols)
    throw new RangeError(`E142 map of ${map.rows} x ${map.cols} needs ${map.rows * map.cols} codes, got ${map.codes.length}`);
  const counts = new Map<number, number>();
  for (const c of map.codes) {
    if (c === null) continue;
    if (!Number.isInteger(c) || c < 0 || c > 254)
      throw new RangeError(`bin code ${c} does not fit the map's two hexadecimal characters (0..254)`);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const defined = new Set(map.bins.map((b) => b.code));
  for (const c of counts.keys()) if (!defined.has(c)) throw new RangeError(`bin code ${c} is used in the map but has no bin definition`);
  const lines: string[] = [];
  lines.push('<?xml version="1.0" encoding="UTF-8"?>');
  lines.push(`<MapData xmlns="${E142_NAMESPACE}">`);
  lines.push('  <Layouts>');
  lines.push(`    <Layout LayoutId="${escapeXml(map.substrateType)}" DefaultUnits="mm" TopLevel="true">`);
  lines.push(`      <Dimension X="${map.cols}" Y="${map.rows}"/>`);
  lines.push(`      <DeviceSize X="${map.cellXMm}" Y="${map.cellYMm}"/>`);
  lines.push(`      <StepSize X="${map.pitchXMm}" Y="${map.pitchYMm}"/>`);
  lines.push('    </Layout>');
  lines.push('  </Layouts>');
  lines.push('  <Substrates>');
  lines.push(`    <Substrate SubstrateType="${escapeXml(map.substrateType)}" SubstrateId="${escapeXml(map.substrateId)}">`);
  if (map.lotId !== undefined) lines.push(`      <LotId>${escapeXml(map.lotId)}</LotId>`);
  lines.push('    </Substrate>');
  lines.push('  </Substrates>');
  lines.push('  <SubstrateMaps>');
  lines.push(
    `    <SubstrateMap SubstrateType="${escapeXml(map.substrateType)}" SubstrateId="${escapeXml(map.substrateId)}" LayoutSpecifier="${escapeXml(map.substrateType)}" ` +
      'Orientation="0" OriginLocation="UpperLeft" AxisDirection="DownRight">',
  );
  lines.push(`      <Overlay MapName="${escapeXml(map.mapName)}" MapVersion="1">`);
  lines.push(`        <BinCodeMap BinType="HexaDecimal" NullBin="${E142_NULL_BIN}">`);
  lines.push('          <BinDefinitions>');
  for (const b of [...map.bins].sort((x, y) => x.code - y.code)) {
    lines.push(
      `            <BinDefinition BinCode="${hex2(b.code)}" BinCount="${counts.get(b.code) ?? 0}" BinQuality="${escapeXml(b.quality)}" ` +
        `BinDescription="${escapeXml(b.description)}" Pick="${b.pick}"/>`,
    );
  }
  lines.push('          </BinDefinitions>');
  for (let r = 0; r < map.rows; r++) {
    let row = '';
    for (let c = 0; c < map.cols; c++) {
      const code = map.codes[r * map.cols + c];
      row += code === null ? E142_NULL_BIN : hex2(code);
    }
    lines.push(`          <BinCode>${row}</BinCode>`);
  }
  lines.push('        </BinCodeMap>');
  lines.push('      </Overlay>');
  lines.push('    </SubstrateMap>');
  lines.push('  </SubstrateMaps>');
  lines.push('</MapData>');
  return lines.join('\n') + '\n';
}

/** A substrate map that cannot be read: says where and what was expected. */
export class E142FormatError extends Error {
  constructor(
    readonly source: string,
    readonly where: string,
    message: string,
  ) {
    super(`${source}: ${where}: ${message}`);
    this.name = 'E142FormatError';
  }
}

type Node = Record<string, unknown>;

function asList(v: unknown): Node[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]) as Node[];
}

/**
 * Reads a substrate map (one substrate, one overlay with a BinCodeMap). Accepts HexaDecimal (two
 * characters per cell), Decimal (three digits per cell) and ASCII (one character per cell) bin types
 * and both the upper-left and lower-left origins; anything else is refused with the element at fault.
 */
export function readE142(xml: string, source = 'E142 map'): E142Map {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new E142FormatError(source, `line ${valid.err.line}, column ${valid.err.col}`, `not well-formed XML: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => ['Layout', 'Substrate', 'SubstrateMap', 'Overlay', 'BinDefinition', 'BinCode'].includes(name),
  });
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    // The validator lets a few malformed documents through (an unclosed processing instruction) that the parser refuses.
    throw new E142FormatError(source, 'document', `not well-formed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const root = doc.MapData as Node | undefined;
  if (!root) throw new E142FormatError(source, 'root element', 'expected <MapData> (SEMI E142 substrate map)');
  const layouts = asList((root.Layouts as Node | undefined)?.Layout);
  const substrates = asList((root.Substrates as Node | undefined)?.Substrate);
  const maps = asList((root.SubstrateMaps as Node | undefined)?.SubstrateMap);
  if (maps.length !== 1) throw new E142FormatError(source, 'SubstrateMaps', `expected exactly one <SubstrateMap>, found ${maps.length}`);
  const sm = maps[0];
  const substrateId = String(sm.SubstrateId ?? '');
  if (!substrateId) throw new E142FormatError(source, 'SubstrateMap', 'SubstrateId attribute missing');
  const layoutId = String(sm.LayoutSpecifier ?? '');
  const layout = layouts.find((l) => String(l.LayoutId) === layoutId) ?? (layouts.length === 1 ? layouts[0] : undefined);
  if (!layout) throw new E142FormatError(source, 'Layouts', `no <Layout LayoutId="${layoutId}"> for the map's LayoutSpecifier`);
  const dim = layout.Dimension as Node | undefined;
  const cols = intAttr(dim?.X, source, 'Layout/Dimension@X');
  const rows = intAttr(dim?.Y, source, 'Layout/Dimension@Y');
  const step = layout.StepSize as Node | undefined;
  const device = layout.DeviceSize as Node | undefined;
  const overlays = asList(sm.Overlay).filter((o) => o.BinCodeMap !== undefined);
  if (overlays.length !== 1)
    throw new E142FormatError(source, 'SubstrateMap/Overlay', `expected one overlay with a <BinCodeMap>, found ${overlays.length}`);
  const overlay = overlays[0];
  const bcm = overlay.BinCodeMap as Node;
  const binType = String(bcm.BinType ?? 'HexaDecimal');
  const width = ({ HexaDecimal: 2, Decimal: 3, ASCII: 1 } as Record<string, number>)[binType];
  if (!width) throw new E142FormatError(source, 'BinCodeMap@BinType', `expected HexaDecimal, Decimal or ASCII, got "${binType}"`);
  const nullBin = String(bcm.NullBin ?? (width === 2 ? E142_NULL_BIN : width === 3 ? '255' : '.'));
  const decode = (text: string, where: string): number => {
    const v = width === 2 ? parseInt(text, 16) : width === 3 ? parseInt(text, 10) : text.charCodeAt(0);
    const ok = width === 2 ? /^[0-9A-Fa-f]{2}$/.test(text) : width === 3 ? /^\d{3}$/.test(text) : text.length === 1;
    if (!ok || !Number.isFinite(v)) throw new E142FormatError(source, where, `"${text}" is not a ${binType} bin code`);
    return v;
  };
  const normalisedNull = width === 2 ? nullBin.toUpperCase().padStart(2, '0') : width === 3 ? nullBin.padStart(3, '0') : nullBin;
  const bins: E142BinDefinition[] = asList((bcm.BinDefinitions as Node | undefined)?.BinDefinition).map((b, i) => {
    const raw = String(b.BinCode ?? '');
    const code = decode(width === 3 ? raw.padStart(3, '0') : width === 2 ? raw.padStart(2, '0') : raw, `BinDefinition[${i}]@BinCode`);
    const pick = String(b.Pick ?? 'false').toLowerCase();
    if (pick !== 'true' && pick !== 'false')
      throw new E142FormatError(source, `BinDefinition[${i}]@Pick`, `expected true or false, got "${b.Pick}"`);
    return {
      code,
      count: Number(b.BinCount ?? 0),
      quality: String(b.BinQuality ?? ''),
      description: String(b.BinDescription ?? ''),
      pick: pick === 'true',
    };
  });
  const rowTexts = asList(bcm.BinCode).map((r) => (typeof r === 'object' ? String((r as Node)['#text'] ?? '') : String(r)));
  if (rowTexts.length !== rows)
    throw new E142FormatError(source, 'BinCodeMap', `expected ${rows} <BinCode> rows (Layout Dimension Y), found ${rowTexts.length}`);
  const origin = String(sm.OriginLocation ?? 'UpperLeft');
  if (origin !== 'UpperLeft' && origin !== 'LowerLeft')
    throw new E142FormatError(source, 'SubstrateMap@OriginLocation', `expected UpperLeft or LowerLeft, got "${origin}"`);
  const defined = new Set(bins.map((b) => b.code));
  const codes: (number | null)[] = new Array(rows * cols).fill(null);
  rowTexts.forEach((text, i) => {
    if (text.length !== cols * width)
      throw new E142FormatError(
        source,
        `BinCode row ${i + 1}`,
        `expected ${cols} cells of ${width} characters (${cols * width}), got ${text.length} characters`,
      );
    // A lower-left origin lists the rows from the bottom up: its first row is the sheet's last.
    const row = origin === 'UpperLeft' ? i : rows - 1 - i;
    for (let c = 0; c < cols; c++) {
      const cell = text.slice(c * width, (c + 1) * width);
      if (cell.toUpperCase() === normalisedNull.toUpperCase()) continue;
      const code = decode(cell, `BinCode row ${i + 1}, cell ${c + 1}`);
      if (!defined.has(code))
        throw new E142FormatError(source, `BinCode row ${i + 1}, cell ${c + 1}`, `bin code "${cell}" has no <BinDefinition>`);
      codes[row * cols + c] = code;
    }
  });
  const substrate = substrates.find((s) => String(s.SubstrateId) === substrateId);
  const lot = substrate?.LotId;
  return {
    substrateId,
    substrateType: String(sm.SubstrateType ?? layoutId),
    ...(lot !== undefined ? { lotId: String(lot) } : {}),
    rows,
    cols,
    pitchXMm: Number(step?.X ?? device?.X ?? 0),
    pitchYMm: Number(step?.Y ?? device?.Y ?? 0),
    cellXMm: Number(device?.X ?? 0),
    cellYMm: Number(device?.Y ?? 0),
    mapName: String(overlay.MapName ?? ''),
    bins,
    codes,
  };
}

function intAttr(v: unknown, source: string, where: string): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n <= 0)
    throw new E142FormatError(source, where, `expected a positive whole number, got ${v === undefined ? 'nothing' : `"${String(v)}"`}`);
  return n;
}

/** What a picker reports for one cell: the code it wrote and whether that code means "picked". */
export interface PickedCell {
  row: number;
  col: number;
  code: number;
  description: string;
  picked: boolean;
}

/**
 * A pick result in the same format: the picker writes back the sheet's map with its own bin
 * definitions, where a definition with Pick="true" means the cell was taken. Returns every cell with
 * a code, row-major.
 */
export function readPickResult(xml: string, source = 'pick result'): { sheet: string; rows: number; cols: number; cells: PickedCell[] } {
  const map = readE142(xml, source);
  const byCode = new Map(map.bins.map((b) => [b.code, b]));
  const cells: PickedCell[] = [];
  map.codes.forEach((code, i) => {
    if (code === null) return;
    const def = byCode.get(code) as E142BinDefinition;
    cells.push({ row: Math.floor(i / map.cols), col: i % map.cols, code, description: def.description, picked: def.pick });
  });
  return { sheet: map.substrateId, rows: map.rows, cols: map.cols, cells };
}
