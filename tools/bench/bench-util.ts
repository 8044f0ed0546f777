/** Small helpers shared by the benchmarks: percentiles and a uniform printout. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(samplesMs: number[]): { p50: number; p95: number; max: number; n: number } {
  const s = [...samplesMs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1], n: s.length };
}

/** One line per figure: value, unit, and the ratio to its target where there is one. */
export function report(name: string, value: number, unit: string, target?: { value: number; better: 'lower' | 'higher' }): void {
  let line = `${name.padEnd(58)} ${value.toFixed(value < 10 ? 2 : 1).padStart(12)} ${unit}`;
  if (target && target.value === 0) {
    // A count that must be none (errors, lost tests): no ratio to print, only whether it is.
    line += `   target ${target.better === 'lower' ? '' : '> '}0: ${(target.better === 'lower' ? value <= 0 : value > 0) ? 'OK' : 'MISSED'}`;
  } else if (target) {
    const ratio = target.better === 'lower' ? target.value / value : value / target.value;
    line += `   target ${target.better === 'lower' ? '<' : '>='} ${target.value} ${unit}: ${ratio.toFixed(2)}x ${ratio >= 1 ? 'OK' : 'MISSED'}`;
  }
  console.log(line);
}
