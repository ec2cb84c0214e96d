/**
 * Files the README tells a user to write from the clone are git-ignored (regression: `report.html` and
 * `results.csv` of the walkthrough showed as untracked changes).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** The files the README's commands and example write, and what the CLI suggests or writes by default. */
function writtenFiles(): string[] {
  const files = new Set(['report.html', 'results.json']);
  for (const m of readme.matchAll(/npx judgeflow report [^\n]*?--out (\S+)/g)) files.add(m[1]!);
  for (const m of readme.matchAll(/npx judgeflow export \d+ (\S+)/g)) files.add(m[1]!);
  for (const m of readme.matchAll(/\.export\('([^']+)'\)/g)) files.add(m[1]!);
  return [...files]
    .map((f) => f.replace(/[`'",.)]+$/, ''))
    .filter((f, i, all) => !f.includes('://') && !f.startsWith('<') && all.indexOf(f) === i);
}

describe('.gitignore', () => {
  it('ignores every file the README writes into the clone', () => {
    const files = writtenFiles();
    expect(files).toEqual(expect.arrayContaining(['report.html', 'results.csv', 'run.json']));
    // check-ignore prints each ignored path; --no-index: whether or not such a file exists or is tracked.
    const ignored = execFileSync('git', ['check-ignore', '--no-index', ...files], { cwd: root, encoding: 'utf8' });
    expect(ignored.trim().split('\n').sort()).toEqual([...files].sort());
  });

  it('ignores them only at the top of the clone', () => {
    const r = (() => {
      try {
        return execFileSync('git', ['check-ignore', '--no-index', 'test/fixtures/results.csv'], { cwd: root });
      } catch {
        return 'not ignored';
      }
    })();
    expect(String(r)).toBe('not ignored');
  });
});
