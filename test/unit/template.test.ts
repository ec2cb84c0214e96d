import { describe, expect, it } from 'vitest';
import {
  compileTemplate,
  MissingTemplateValueError,
  renderTemplate,
  templateVariables,
} from '../../src/prompt/template';

describe('prompt templates', () => {
  it('lists variables in order of first use, with or without spaces', () => {
    expect(templateVariables('Q: {{question}}\nA: {{ response }} / {{question}}')).toEqual(['question', 'response']);
    expect(templateVariables('no variables, {single} braces')).toEqual([]);
  });

  it('renders strings as they are and other values as JSON', () => {
    const render = compileTemplate('{{ a }}|{{b}}|{{c}}');
    expect(render({ a: 'text', b: 3, c: { k: [1] } })).toBe('text|3|{"k":[1]}');
  });

  it('keeps an escaped \\{{ literal and does not treat it as a variable', () => {
    expect(templateVariables('literal \\{{not}} and {{yes}}')).toEqual(['yes']);
    expect(renderTemplate('literal \\{{not}} and {{yes}}', { yes: 'Y' })).toBe('literal {{not}} and Y');
  });

  it('names the missing variable and the row columns when a value is missing', () => {
    expect(() => renderTemplate('{{missing}}', { present: 1 })).toThrow(MissingTemplateValueError);
    expect(() => renderTemplate('{{missing}}', { present: 1 })).toThrow(/\{\{missing\}\}.*present/);
  });

  it("reads only the row's own columns: a missing `constructor` or `toString` is missing, not Object's", () => {
    // JSON.parse, as PostgreSQL's rows arrive, gives `__proto__` as an own property like any other key.
    const row = JSON.parse('{"__proto__": "proto text", "present": 1}') as Record<string, unknown>;
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(() => renderTemplate(`{{${name}}}`, row)).toThrow(MissingTemplateValueError);
      expect(() => renderTemplate(`{{${name}}}`, row)).toThrow(`{{${name}}}`);
    }
    expect(renderTemplate('{{__proto__}}|{{present}}', row)).toBe('proto text|1');
    expect(renderTemplate('{{constructor}}', { constructor: 'a column' })).toBe('a column');
  });
});
