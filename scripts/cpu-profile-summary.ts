/**
 * The top entries of a V8 `.cpuprofile` (what `node --cpu-prof` writes, one file per thread): self time per
 * function, busy time (everything but idle), for `npm run bench -- --profile` and docs/performance.md.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  busyMs: number;
  top: { name: string; selfMs: number; share: number }[];
}

export function summarizeCpuProfile(file: string, entries = 15): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const name = `${functionName || '(anonymous)'}${url ? ` ${path.basename(url)}:${lineNumber + 1}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + us);
  });
  const busy = total - (self.get('(idle)') ?? 0);
  const top = [...self]
    .filter(([name]) => name !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, entries)
    .map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), share: +(us / busy).toFixed(3) }));
  return { file: path.basename(file), totalMs: Math.round(total / 1000), busyMs: Math.round(busy / 1000), top };
}
