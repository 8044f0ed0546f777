import type { ValueTransformer } from 'typeorm';

/** bigint ids travel as strings: JavaScript numbers lose precision past 2^53. */
export const bigintId: ValueTransformer = {
  to: (v: string | null | undefined) => v,
  from: (v: string | number | null) => (v === null ? null : String(v)),
};

/** PostgreSQL numeric/double values as JavaScript numbers. */
export const numeric: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null ? null : Number(v)),
};
