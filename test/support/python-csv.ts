/** Reads CSV text back with Python's own `csv.reader` (the reference SDK's ecosystem), as an independent reader. */
import { execFileSync } from 'node:child_process';

const script = `
import csv, io, json, sys
options = json.loads(sys.argv[1])
text = sys.stdin.buffer.read().decode('utf-8')
rows = list(csv.reader(io.StringIO(text, newline=''), delimiter=options['sep'], quotechar=options['quotechar'],
                       escapechar=options['escapechar']))
sys.stdout.write(json.dumps(rows))
`;

export function readCsvWithPython(text: string, o: { sep: string; quotechar: string; escapechar: string }): string[][] {
  const out = execFileSync('python3', ['-c', script, JSON.stringify(o)], { input: text, maxBuffer: 1 << 28 });
  return JSON.parse(out.toString('utf8')) as string[][];
}
