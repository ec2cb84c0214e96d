/**
 * Export rows as text that PostgreSQL writes itself with `COPY … TO STDOUT`: CSV with PostgreSQL's quoting, or one
 * JSON object per line. A million datapoints then stream as bytes, with no JS object or await per row (about five
 * times the rows/s of a cursor read row by row). Values are named by what they read — a datapoint field, ground
 * truth, an evaluation, a slice; src/export/ names the columns and keys.
 */
import type { Readable } from 'node:stream';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { FORMULA_GUARD_PATTERN, FORMULA_GUARD_PREFIX } from '../shared/formula-guard';
import { exportRowSource, type ExportRowQuery } from './export.repository';
import type { Db } from './pool';

export type EvaluationField =
  | 'score'
  | 'rationale'
  | 'agreement'
  | 'error'
  | 'confidence'
  | 'expectedScore'
  | 'samples'
  | 'distribution'
  | 'entropy'
  | 'promptTokens'
  | 'completionTokens'
  | 'costUsd'
  | 'cacheHit';

/** One value of an exported datapoint, by what it reads. */
export type ExportValue =
  | { of: 'xUid' }
  | { of: 'split' }
  /** A dataset column: a string as it is, any other JSON value as its JSON text; missing and null are NULL. */
  | { of: 'userColumn'; name: string }
  | { of: 'groundTruth'; criteriaUid: number }
  /** The evaluator's evaluation of the datapoint (its execution with a score or an error); NULL without one. */
  | { of: 'evaluation'; evaluatorUid: number; field: EvaluationField }
  | { of: 'inSlice'; name: string }
  | { of: 'sliceNames' }
  | { of: 'number'; value: number };

/** A JSON value made of export values: a value, or an object of keyed shapes (keys in this order). */
export type JsonShape = ExportValue | { object: [key: string, shape: JsonShape][] };

export interface CsvDialect {
  sep: string;
  quotechar: string;
  /** null: none, the quote character is doubled (RFC 4180; PostgreSQL's own default). */
  escapechar: string | null;
  /** Text cells that a spreadsheet would run as formulas are prefixed (src/shared/formula-guard.ts). */
  formulaGuard: boolean;
}

/** Rows as PostgreSQL writes them, and how many there were (once the text has been read to its end). */
export interface ExportCopy {
  text: Readable;
  rowCount(): Promise<number>;
}

/** COPY takes one-byte delimiter, quote and escape characters; other dialects are written row by row. */
export function copyWritesCsv(dialect: CsvDialect): boolean {
  return [dialect.sep, dialect.quotechar, dialect.escapechar ?? dialect.quotechar].every(
    (c) => Buffer.byteLength(c) === 1,
  );
}

/**
 * CSV records (no header) with `columns` in order: missing values as empty unquoted fields, empty strings quoted.
 * Text values are always quoted: PostgreSQL quotes only for the separator, quote character or a line break, and a
 * bare escape character would be read as an escape by Python's csv module. Numbers and booleans are quoted too when
 * the escape character could appear in them. With the formula guard, text values are guarded as PostgreSQL reads them.
 */
export function copyExportCsv(
  db: Db,
  query: ExportRowQuery,
  columns: ExportValue[],
  dialect: CsvDialect,
  signal: AbortSignal,
): Promise<ExportCopy> {
  const sql = new ExportSql(query);
  const quoteAll = dialect.escapechar !== null && /[\w.+-]/.test(dialect.escapechar);
  const forceQuote: string[] = [];
  const select = columns.map((value, i) => {
    const { expr, type } = sql.value(value);
    if (type === 'text' || type === 'json' || quoteAll) forceQuote.push(`c${i}`);
    return `${cellText(expr, type, dialect)} AS c${i}`;
  });
  const options = [
    'FORMAT csv',
    `DELIMITER ${literal(dialect.sep)}`,
    `QUOTE ${literal(dialect.quotechar)}`,
    `ESCAPE ${literal(dialect.escapechar ?? dialect.quotechar)}`,
    ...(forceQuote.length ? [`FORCE_QUOTE (${forceQuote.join(', ')})`] : []),
  ];
  return copy(db, `COPY (${sql.select(select)}) TO STDOUT (${options.join(', ')})`, signal);
}

/**
 * One compact JSON object per datapoint, a line each after a comma (`,{…}\n,{…}\n`): array elements as they are,
 * but for the first comma (JSON text has no raw line breaks).
 */
export function copyExportJsonElements(
  db: Db,
  query: ExportRowQuery,
  shape: JsonShape,
  signal: AbortSignal,
): Promise<ExportCopy> {
  const sql = new ExportSql(query);
  // Separator and quote characters JSON text never holds raw: CSV mode then writes each line as it is.
  const options = `FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02'`;
  return copy(db, `COPY (${sql.select([concat([literal(','), sql.json(shape)])])}) TO STDOUT (${options})`, signal);
}

/** Runs the COPY; `signal` ends it at once, also while PostgreSQL is still joining and sorting before the first row. */
async function copy(db: Db, text: string, signal: AbortSignal): Promise<ExportCopy> {
  signal.throwIfAborted();
  const client = await db.pool.connect();
  try {
    // Hash joins whatever the statistics say (a nested loop over fresh, unanalysed results took minutes), and no
    // JIT compilation of the wide row expression (seconds, for exports of any size).
    await client.query('BEGIN READ ONLY; SET LOCAL enable_nestloop = off; SET LOCAL jit = off');
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
  const stream = client.query(copyTo(text));
  let ended = false;
  const committed = new Promise<number>((resolve, reject) => {
    stream.once('end', () => {
      ended = true;
      // COMMIT runs after the COPY's completion, which carries its row count.
      client.query('COMMIT').then(
        () => {
          client.release();
          resolve(stream.rowCount);
        },
        (err: unknown) => {
          const error = err instanceof Error ? err : new Error(String(err));
          client.release(error);
          reject(error);
        },
      );
    });
  });
  committed.catch(() => undefined);
  // A COPY ended early leaves the connection mid-protocol: it is closed, not returned to the pool.
  const stop = () => stream.destroy(signal.reason as Error);
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();
  stream.once('close', () => {
    signal.removeEventListener('abort', stop);
    if (!ended) client.release(new Error('export COPY ended before its last row'));
  });
  return { text: stream, rowCount: () => committed };
}

const literal = (v: string) => pg.escapeLiteral(v);

/**
 * A CSV cell's text: booleans as true/false; text through the formula guard when asked (the pattern JavaScript
 * uses too, so both writers guard the same cells).
 */
function cellText(expr: string, type: SqlType, dialect: CsvDialect): string {
  if (type === 'boolean') return booleanText(expr);
  if (type === 'json') return `(${expr})::text`;
  if (type === 'text' && dialect.formulaGuard) {
    return `regexp_replace(${expr}, ${literal(FORMULA_GUARD_PATTERN)}, ${literal(FORMULA_GUARD_PREFIX)})`;
  }
  return expr;
}

const booleanText = (expr: string) => `CASE WHEN ${expr} THEN 'true' WHEN NOT ${expr} THEN 'false' END`;

type SqlType = 'text' | 'integer' | 'float' | 'boolean' | 'text[]' | 'json';

const SQL_CAST: Record<SqlType, string> = {
  text: 'text',
  integer: 'integer',
  float: 'double precision',
  boolean: 'boolean',
  'text[]': 'text[]',
  json: 'json',
};

const EVALUATION_TYPES: Record<EvaluationField, SqlType> = {
  score: 'integer',
  rationale: 'text',
  agreement: 'boolean',
  error: 'text',
  confidence: 'float',
  expectedScore: 'float',
  samples: 'json',
  distribution: 'json',
  entropy: 'float',
  promptTokens: 'integer',
  completionTokens: 'integer',
  costUsd: 'float',
  cacheHit: 'boolean',
};

/** SQL expressions over exportRowSource's aliases (`d`, `g<i>`, `r<j>`, `sl`), with values as literals. */
class ExportSql {
  constructor(private readonly query: ExportRowQuery) {}

  select(columns: string[]): string {
    return `SELECT ${columns.join(', ')} FROM ${exportRowSource(this.query, sqlLiteral)} ORDER BY d.position`;
  }

  value(v: ExportValue): { expr: string; type: SqlType } {
    switch (v.of) {
      case 'xUid':
        return { expr: 'd.x_uid', type: 'text' };
      case 'split':
        return { expr: 'd.split', type: 'text' };
      case 'userColumn':
        return { expr: `(d.data ->> ${literal(v.name)})`, type: 'text' };
      case 'groundTruth':
        return { expr: this.truth(v.criteriaUid), type: 'integer' };
      case 'evaluation':
        return this.evaluation(v.evaluatorUid, v.field);
      case 'inSlice':
        return { expr: `coalesce(${literal(v.name)} = ANY (sl.names), false)`, type: 'boolean' };
      case 'sliceNames':
        return { expr: `coalesce(sl.names, '{}'::text[])`, type: 'text[]' };
      case 'number':
        return { expr: sqlLiteral(v.value), type: Number.isInteger(v.value) ? 'integer' : 'float' };
    }
  }

  /** The JSON text of a shape; null for a missing value. */
  json(shape: JsonShape): string {
    if (!('object' in shape)) {
      const { expr, type } = this.value(shape);
      // to_json escapes text, and writes a float that is not finite as a string; other types are their SQL text
      // (a json value's is its text as stored).
      const text = ['integer', 'boolean', 'json'].includes(type) ? `(${expr})::text` : `to_json(${expr})::text`;
      return `coalesce(${text}, 'null')`;
    }
    const pieces = shape.object.flatMap(([key, s], i) => [
      literal(`${i ? ',' : '{'}${JSON.stringify(key)}:`),
      this.json(s),
    ]);
    return concat([...(pieces.length ? pieces : [literal('{')]), literal('}')]);
  }

  private truth(criteriaUid: number): string {
    const i = this.query.criteriaUids.indexOf(criteriaUid);
    return i < 0 ? 'NULL::integer' : `g${i}.score`;
  }

  /**
   * The field of the evaluator's evaluation: its execution's result (a result row has a score or an error). An
   * evaluator's executions cover different splits; with several, the last one with a result.
   */
  private evaluation(evaluatorUid: number, field: EvaluationField): { expr: string; type: SqlType } {
    const type = EVALUATION_TYPES[field];
    const column = (j: number, criteriaUid: number) =>
      ({
        score: `r${j}.score`,
        rationale: `r${j}.rationale`,
        agreement: `(r${j}.score = ${this.truth(criteriaUid)})`,
        error: `r${j}.error`,
        confidence: `r${j}.confidence`,
        expectedScore: `r${j}.expected_score`,
        samples: `r${j}.samples`,
        distribution: `r${j}.distribution`,
        entropy: `r${j}.entropy`,
        promptTokens: `r${j}.prompt_tokens`,
        completionTokens: `r${j}.completion_tokens`,
        costUsd: `r${j}.cost_usd`,
        cacheHit: `r${j}.cache_hit`,
      })[field];
    const executions = this.query.executions
      .map((x, j) => ({ ...x, j }))
      .filter((x) => x.evaluatorUid === evaluatorUid)
      .reverse();
    if (executions.length === 0) return { expr: `NULL::${SQL_CAST[type]}`, type };
    if (executions.length === 1) return { expr: column(executions[0]!.j, executions[0]!.criteriaUid), type };
    const whens = executions.map(
      ({ j, criteriaUid }) => `WHEN r${j}.execution_uid IS NOT NULL THEN ${column(j, criteriaUid)}`,
    );
    return { expr: `(CASE ${whens.join(' ')} END)`, type };
  }
}

/**
 * One text of many in one pass: `concat` copies each piece once, where a chain of `||` copies the growing text at
 * every step. It takes at most 100 arguments, so longer lists are concatenated in groups.
 */
function concat(pieces: string[]): string {
  if (pieces.length <= 100) return `concat(${pieces.join(', ')})`;
  const groups: string[] = [];
  for (let i = 0; i < pieces.length; i += 100) groups.push(concat(pieces.slice(i, i + 100)));
  return concat(groups);
}

/** A uid or count inlined into the COPY statement. */
function sqlLiteral(v: string | number): string {
  if (typeof v === 'string') return literal(v);
  if (!Number.isFinite(v)) throw new TypeError(`not a finite number: ${v}`);
  return String(v);
}
