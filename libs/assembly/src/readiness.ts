/**
 * The singulation interlock: a sheet may be singulated only when every tested cell has a current
 * result and no retest is pending. Returns why not (for the refusal), or null.
 * - a test that is still QUEUED or BINNING has cells without a current result;
 * - a FAILED test left its cells without one (it must be posted again);
 * - a rig fault (soft bin 0) waits for its retest while the product's retests are not used up.
 */
export function singulationProblem(args: {
  sheet: string;
  tests: readonly { testId: string; status: string }[];
  softBins: readonly (number | null)[];
  cols: number;
  maxRetests: number;
}): string | null {
  const { sheet, tests, softBins, cols } = args;
  if (tests.length === 0) return `sheet ${sheet} has never been tested: every sheet is tested at SHEET_TEST before singulation`;
  const open = tests.filter((t) => t.status === 'QUEUED' || t.status === 'BINNING');
  if (open.length)
    return `test ${open.map((t) => t.testId).join(', ')} of sheet ${sheet} is still ${open[0].status}: wait until its cells have their results`;
  const failed = tests.filter((t) => t.status === 'FAILED');
  if (failed.length === tests.length)
    return `every test of sheet ${sheet} failed to bin (${failed.map((t) => t.testId).join(', ')}): its cells have no result; post the test again`;
  const faults: string[] = [];
  softBins.forEach((b, i) => {
    if (b === 0) faults.push(`(${Math.floor(i / cols)}, ${i % cols})`);
  });
  const retestsDone = tests.filter((t) => t.status === 'DONE').length - 1;
  if (faults.length && retestsDone < args.maxRetests) {
    return `${faults.length} cell(s) of sheet ${sheet} wait for a retest after a rig fault (soft bin 0): ${faults.slice(0, 10).join(', ')}${faults.length > 10 ? ', ...' : ''}; ${retestsDone} of ${args.maxRetests} retest(s) done`;
  }
  return null;
}
