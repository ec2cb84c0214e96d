/**
 * Reads CSV text back with Python's own `csv.reader` (the reference SDK's ecosystem) and with pandas, as independent
 * readers configured for the export's dialect: `escapechar: null` is RFC 4180 (quotes doubled, no escape character).
 * Each call reads any number of texts in one Python process (starting Python and importing pandas take seconds).
 */
import { runPythonJson, testPython } from './test-python';

export interface CsvReadOptions {
  sep: string;
  quotechar: string;
  escapechar: string | null;
}

export interface CsvText {
  text: string;
  options: CsvReadOptions;
}

const csvModule = `
def read(text, o):
    return list(csv.reader(io.StringIO(text, newline=''), delimiter=o['sep'], quotechar=o['quotechar'],
                           escapechar=o['escapechar'], doublequote=True))
`;

// As README's snippet reads an export: every cell a string, empty cells as "" (not NaN). The header is row 0.
const pandas = `
import pandas as pd
def read(text, o):
    df = pd.read_csv(io.StringIO(text), sep=o['sep'], quotechar=o['quotechar'], escapechar=o['escapechar'],
                     doublequote=True, keep_default_na=False, dtype=str, engine='python' if len(o['sep'].encode()) > 1 else 'c')
    return [list(df.columns)] + df.values.tolist()
`;

const main = `
texts = json.loads(sys.stdin.buffer.read().decode('utf-8'))
sys.stdout.write(json.dumps([read(t['text'], t['options']) for t in texts]))
`;

function run(python: string, reader: string, texts: CsvText[]): string[][][] {
  return runPythonJson(python, `import csv, io, json, sys\n${reader}\n${main}`, texts) as string[][][];
}

/** The records of each text as `csv.reader` reads them (the header is the first). */
export function readCsvsWithPython(texts: CsvText[]): string[][][] {
  return run('python3', csvModule, texts);
}

export function readCsvWithPython(text: string, options: CsvReadOptions): string[][] {
  return readCsvsWithPython([{ text, options }])[0]!;
}

/** The header and the records of each text as pandas reads them. */
export function readCsvsWithPandas(texts: CsvText[]): string[][][] {
  return run(testPython(), pandas, texts);
}
