#!/usr/bin/env node
// Self time of a V8 .cpuprofile (node --cpu-prof) summed by function and by package or source
// folder: `node tools/bench/cpu-profile-summary.mjs <file.cpuprofile> [top=25]`.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const windowArg = args.find((a) => a.startsWith('--window='));
const [file, topArg] = args.filter((a) => !a.startsWith('--'));
// --window=<from>-<to>: only samples taken in that span of the monotonic clock (µs), e.g. one bench phase.
const [winFrom, winTo] = windowArg ? windowArg.slice('--window='.length).split('-').map(Number) : [-Infinity, Infinity];
if (!file) {
  console.error('usage: cpu-profile-summary.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
// Each sample names the node that was running; the interval before it is that node's self time.
const selfUs = new Map();
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i] ?? 0;
  if (at < winFrom || at > winTo) continue;
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idleUs = [...selfUs].filter(([id]) => byId.get(id).callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
// --per=<n>: busy time divided by n (the scans or requests of the window), the CPU each one cost.
const per = Number(args.find((a) => a.startsWith('--per='))?.slice('--per='.length) ?? 0);

function moduleOf(url) {
  if (!url) return '(native/v8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const m = /\/(apps|libs)\/([^/]+)\/src\/(.*)\/[^/]*$/.exec(url) ?? /\/(apps|libs)\/([^/]+)\/src\/()/.exec(url);
  return m ? `${m[1]}/${m[2]}${m[3] ? '/' + m[3] : ''}` : url.replace(/^file:\/\//, '');
}

const byFn = new Map();
const byModule = new Map();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const mod = moduleOf(cf.url);
  const fn = `${cf.functionName || '(anonymous)'}  ${mod}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  byModule.set(mod, (byModule.get(mod) ?? 0) + us);
}
const print = (title, m) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
};
console.log(
  `${file}: ${(total / 1000).toFixed(0)} ms sampled, ${((total - idleUs) / 1000).toFixed(0)} ms busy` +
    (per ? `, ${((total - idleUs) / 1000 / per).toFixed(2)} ms busy per unit of ${per}` : ''),
);
print('self time by package or source folder', byModule);
print('self time by function', byFn);
