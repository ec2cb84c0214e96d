/**
 * Prompt templates reference dataset columns as `{{column}}` (spaces inside the braces are allowed:
 * `{{ response }}`). A literal `{{` is written `\{{`. Values that are not strings are inserted as JSON.
 * Templates are compiled once per worker and rendered per row.
 */
import { ValidationError } from '../errors';

const VARIABLE = /\\\{\{|\{\{\s*([^{}\s][^{}]*?)\s*\}\}/g;

/** A row lacks a column the template uses. */
export class MissingTemplateValueError extends ValidationError {
  constructor(
    readonly variable: string,
    readonly availableColumns: string[],
  ) {
    super(
      `the row has no value for template variable {{${variable}}}; its columns: ${availableColumns.join(', ') || '(none)'}`,
    );
  }
}

/** The column names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const m of template.matchAll(VARIABLE)) if (m[1] !== undefined) names.add(m[1]);
  return [...names];
}

export type RenderTemplate = (row: Record<string, unknown>) => string;

/** Splits the template once; rendering is then a join over literal and variable parts. */
export function compileTemplate(template: string): RenderTemplate {
  const parts: (string | { name: string })[] = [];
  let last = 0;
  for (const m of template.matchAll(VARIABLE)) {
    parts.push(template.slice(last, m.index));
    parts.push(m[1] === undefined ? '{{' : { name: m[1] });
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  return (row) => {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      // Own properties only: a row without a `constructor` or `toString` column must not render Object's.
      const value = Object.hasOwn(row, part.name) ? row[part.name] : undefined;
      if (value === undefined || value === null) throw new MissingTemplateValueError(part.name, Object.keys(row));
      out += typeof value === 'string' ? value : JSON.stringify(value);
    }
    return out;
  };
}

export function renderTemplate(template: string, row: Record<string, unknown>): string {
  return compileTemplate(template)(row);
}
