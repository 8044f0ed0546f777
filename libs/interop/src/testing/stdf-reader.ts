/**
 * An STDF V4 reader for the tests, written from the specification's record tables and sharing no code
 * with the writer: it decodes every record by a field list, checks that the fields end exactly where
 * REC_LEN says (trailing fields may be left off, as the spec allows, but never cut in half) and
 * returns every record as a plain object keyed by the spec's field names.
 */

type FieldType = 'U1' | 'U2' | 'U4' | 'I1' | 'I2' | 'I4' | 'R4' | 'R8' | 'C1' | 'Cn' | 'B1';

/** Field lists of the records the MES writes (and a few it does not, so a foreign file still reads). */
const RECORDS: Record<string, { name: string; fields: [string, FieldType][] }> = {
  '0:10': {
    name: 'FAR',
    fields: [
      ['CPU_TYPE', 'U1'],
      ['STDF_VER', 'U1'],
    ],
  },
  '0:20': {
    name: 'ATR',
    fields: [
      ['MOD_TIM', 'U4'],
      ['CMD_LINE', 'Cn'],
    ],
  },
  '1:10': {
    name: 'MIR',
    fields: [
      ['SETUP_T', 'U4'],
      ['START_T', 'U4'],
      ['STAT_NUM', 'U1'],
      ['MODE_COD', 'C1'],
      ['RTST_COD', 'C1'],
      ['PROT_COD', 'C1'],
      ['BURN_TIM', 'U2'],
      ['CMOD_COD', 'C1'],
      ['LOT_ID', 'Cn'],
      ['PART_TYP', 'Cn'],
      ['NODE_NAM', 'Cn'],
      ['TSTR_TYP', 'Cn'],
      ['JOB_NAM', 'Cn'],
      ['JOB_REV', 'Cn'],
      ['SBLOT_ID', 'Cn'],
      ['OPER_NAM', 'Cn'],
      ['EXEC_TYP', 'Cn'],
      ['EXEC_VER', 'Cn'],
      ['TEST_COD', 'Cn'],
      ['TST_TEMP', 'Cn'],
      ['USER_TXT', 'Cn'],
      ['AUX_FILE', 'Cn'],
      ['PKG_TYP', 'Cn'],
      ['FAMLY_ID', 'Cn'],
      ['DATE_COD', 'Cn'],
      ['FACIL_ID', 'Cn'],
      ['FLOOR_ID', 'Cn'],
      ['PROC_ID', 'Cn'],
      ['OPER_FRQ', 'Cn'],
      ['SPEC_NAM', 'Cn'],
      ['SPEC_VER', 'Cn'],
      ['FLOW_ID', 'Cn'],
      ['SETUP_ID', 'Cn'],
      ['DSGN_REV', 'Cn'],
      ['ENG_ID', 'Cn'],
      ['ROM_COD', 'Cn'],
      ['SERL_NUM', 'Cn'],
      ['SUPR_NAM', 'Cn'],
    ],
  },
  '1:20': {
    name: 'MRR',
    fields: [
      ['FINISH_T', 'U4'],
      ['DISP_COD', 'C1'],
      ['USR_DESC', 'Cn'],
      ['EXC_DESC', 'Cn'],
    ],
  },
  '1:30': {
    name: 'PCR',
    fields: [
      ['HEAD_NUM', 'U1'],
      ['SITE_NUM', 'U1'],
      ['PART_CNT', 'U4'],
      ['RTST_CNT', 'U4'],
      ['ABRT_CNT', 'U4'],
      ['GOOD_CNT', 'U4'],
      ['FUNC_CNT', 'U4'],
    ],
  },
  '1:40': {
    name: 'HBR',
    fields: [
      ['HEAD_NUM', 'U1'],
      ['SITE_NUM', 'U1'],
      ['HBIN_NUM', 'U2'],
      ['HBIN_CNT', 'U4'],
      ['HBIN_PF', 'C1'],
      ['HBIN_NAM', 'Cn'],
    ],
  },
  '1:50': {
    name: 'SBR',
    fields: [
      ['HEAD_NUM', 'U1'],
      ['SITE_NUM', 'U1'],
      ['SBIN_NUM', 'U2'],
      ['SBIN_CNT', 'U4'],
      ['SBIN_PF', 'C1'],
      ['SBIN_NAM', 'Cn'],
    ],
  },
  '2:10': {
    name: 'WIR',
    fields: [
      ['HEAD_NUM', 'U1'],
      ['SITE_GRP', 'U1'],
      ['START_T', 'U4'],
      ['WAFER_ID', 'Cn'],
    ],
  },
  '2:20': {
    name: 'WRR',
    fields: [
      ['HEAD_NUM', 'U1'],
      ['SITE_GRP', 'U1'],
      ['FINISH_T', 'U4'],
      ['PART_CNT', 'U4'],
      ['RTST_CNT', 'U4'],
      ['ABRT_CNT', 'U4'],
      ['GOOD_CNT', 'U4'],
      ['FUNC_CNT', 'U4'],
      ['WAFER_ID', 'Cn'],
      ['FABWF_ID', 'Cn'],
      ['FRAME_ID', 'Cn'],
      ['MASK_ID', 'Cn'],
      ['USR_DESC', 'Cn'],
      ['EXC_DESC', 'Cn'],
    ],
  },
  '2:30': {
    name: 'WCR',
    fields: [
      ['WAFR_SIZ', 'R4'],
      ['DIE_HT', 'R4'],
      ['DIE_WID', 'R4'],
      ['WF_UNITS', 'U1'],
      ['WF_FLAT', 'C1'],
      ['CENTER_X', 'I2'],
      ['CENTER_Y', 'I2'],
      ['POS_X', 'C1'],
      ['POS_Y', 'C1'],
    ],
  },
  '5:10': {
    name: 'PIR',
    fields: [
      ['HEAD_NUM', 'U1'],
      ['SITE_NUM', 'U1'],
    ],
  },
  '5:20': {
    name: 'PRR',
    fields: [
      ['HEAD_NUM', 'U1'],
      ['SITE_NUM', 'U1'],
      ['PART_FLG', 'B1'],
      ['NUM_TEST', 'U2'],
      ['HARD_BIN', 'U2'],
      ['SOFT_BIN', 'U2'],
      ['X_COORD', 'I2'],
      ['Y_COORD', 'I2'],
      ['TEST_T', 'U4'],
      ['PART_ID', 'Cn'],
      ['PART_TXT', 'Cn'],
    ],
  },
  '15:10': {
    name: 'PTR',
    fields: [
      ['TEST_NUM', 'U4'],
      ['HEAD_NUM', 'U1'],
      ['SITE_NUM', 'U1'],
      ['TEST_FLG', 'B1'],
      ['PARM_FLG', 'B1'],
      ['RESULT', 'R4'],
      ['TEST_TXT', 'Cn'],
      ['ALARM_ID', 'Cn'],
      ['OPT_FLAG', 'B1'],
      ['RES_SCAL', 'I1'],
      ['LLM_SCAL', 'I1'],
      ['HLM_SCAL', 'I1'],
      ['LO_LIMIT', 'R4'],
      ['HI_LIMIT', 'R4'],
      ['UNITS', 'Cn'],
      ['C_RESFMT', 'Cn'],
      ['C_LLMFMT', 'Cn'],
      ['C_HLMFMT', 'Cn'],
      ['LO_SPEC', 'R4'],
      ['HI_SPEC', 'R4'],
    ],
  },
};

const SIZE: Record<Exclude<FieldType, 'Cn'>, number> = { U1: 1, U2: 2, U4: 4, I1: 1, I2: 2, I4: 4, R4: 4, R8: 8, C1: 1, B1: 1 };

export interface StdfRecord {
  name: string;
  type: number;
  sub: number;
  /** REC_LEN as written in the header. */
  length: number;
  /** Offset of the record's header in the file. */
  offset: number;
  fields: Record<string, number | string>;
}

/** Reads every record; throws with the record's offset on anything the spec does not allow. */
export function readStdfRecords(file: Uint8Array): StdfRecord[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.byteLength < 6) throw new Error('not an STDF file: shorter than a FAR record');
  if (view.getUint8(2) !== 0 || view.getUint8(3) !== 10) throw new Error('not an STDF file: the first record is not a FAR (0, 10)');
  const cpuType = view.getUint8(4);
  if (cpuType !== 2) throw new Error(`this reader takes little-endian STDF (CPU_TYPE 2), got CPU_TYPE ${cpuType}`);
  if (view.getUint8(5) !== 4) throw new Error(`STDF version ${view.getUint8(5)}, expected 4`);
  const records: StdfRecord[] = [];
  let at = 0;
  while (at < file.byteLength) {
    if (at + 4 > file.byteLength) throw new Error(`truncated record header at byte ${at}`);
    const length = view.getUint16(at, true);
    const type = view.getUint8(at + 2);
    const sub = view.getUint8(at + 3);
    const bodyStart = at + 4;
    const bodyEnd = bodyStart + length;
    if (bodyEnd > file.byteLength)
      throw new Error(`record (${type}, ${sub}) at byte ${at} says ${length} bytes but the file ends after ${file.byteLength - bodyStart}`);
    const spec = RECORDS[`${type}:${sub}`];
    const fields: Record<string, number | string> = {};
    if (spec) {
      let p = bodyStart;
      for (const [fieldName, kind] of spec.fields) {
        if (p === bodyEnd) break; // trailing fields left off
        const width = kind === 'Cn' ? 1 + view.getUint8(p) : SIZE[kind];
        if (p + width > bodyEnd)
          throw new Error(`${spec.name} at byte ${at}: field ${fieldName} (${kind}, ${width} bytes) runs past REC_LEN ${length}`);
        fields[fieldName] = decode(view, p, kind, file);
        p += width;
      }
      if (p !== bodyEnd) throw new Error(`${spec.name} at byte ${at}: ${bodyEnd - p} bytes after the last field (REC_LEN ${length})`);
    }
    records.push({ name: spec?.name ?? `(${type},${sub})`, type, sub, length, offset: at, fields });
    at = bodyEnd;
  }
  return records;
}

function decode(view: DataView, p: number, kind: FieldType, file: Uint8Array): number | string {
  switch (kind) {
    case 'U1':
    case 'B1':
      return view.getUint8(p);
    case 'U2':
      return view.getUint16(p, true);
    case 'U4':
      return view.getUint32(p, true);
    case 'I1':
      return view.getInt8(p);
    case 'I2':
      return view.getInt16(p, true);
    case 'I4':
      return view.getInt32(p, true);
    case 'R4':
      return view.getFloat32(p, true);
    case 'R8':
      return view.getFloat64(p, true);
    case 'C1':
      return String.fromCharCode(view.getUint8(p));
    case 'Cn': {
      const n = view.getUint8(p);
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode(file[p + 1 + i]);
      return s;
    }
  }
}

export interface StdfPart {
  x: number;
  y: number;
  hardBin: number;
  softBin: number;
  partFlags: number;
  partId: string;
  /** WAFER_ID of the WIR the part lies in (null outside any wafer). */
  wafer: string | null;
  /** RESULT by TEST_NUM. */
  results: Map<number, { value: number; testFlags: number; parmFlags: number }>;
}

/** The parts of a single-site file with their PTR results, and the first PTR of each test (its defaults). */
export function stdfParts(records: StdfRecord[]): { parts: StdfPart[]; firstPtr: Map<number, Record<string, number | string>> } {
  const parts: StdfPart[] = [];
  const firstPtr = new Map<number, Record<string, number | string>>();
  let open: StdfPart['results'] | null = null;
  let wafer: string | null = null;
  for (const r of records) {
    if (r.name === 'WIR') {
      if (wafer !== null) throw new Error(`WIR at byte ${r.offset} before the WRR of wafer ${wafer}`);
      wafer = r.fields.WAFER_ID as string;
    } else if (r.name === 'WRR') {
      if (wafer === null || r.fields.WAFER_ID !== wafer) throw new Error(`WRR at byte ${r.offset} does not close an open WIR`);
      if (open) throw new Error(`WRR at byte ${r.offset} inside a part`);
      wafer = null;
    } else if (r.name === 'PIR') {
      if (open) throw new Error(`PIR at byte ${r.offset} before the previous part's PRR`);
      open = new Map();
    } else if (r.name === 'PTR') {
      if (!open) throw new Error(`PTR at byte ${r.offset} outside a part`);
      const n = r.fields.TEST_NUM as number;
      if (!firstPtr.has(n)) firstPtr.set(n, r.fields);
      open.set(n, { value: r.fields.RESULT as number, testFlags: r.fields.TEST_FLG as number, parmFlags: r.fields.PARM_FLG as number });
    } else if (r.name === 'PRR') {
      if (!open) throw new Error(`PRR at byte ${r.offset} without a PIR`);
      parts.push({
        x: r.fields.X_COORD as number,
        y: r.fields.Y_COORD as number,
        hardBin: r.fields.HARD_BIN as number,
        softBin: r.fields.SOFT_BIN as number,
        partFlags: r.fields.PART_FLG as number,
        partId: (r.fields.PART_ID as string) ?? '',
        wafer,
        results: open,
      });
      open = null;
    }
  }
  if (open) throw new Error('the file ends inside a part (PIR without PRR)');
  if (wafer !== null) throw new Error(`the file ends inside wafer ${wafer} (WIR without WRR)`);
  return { parts, firstPtr };
}
