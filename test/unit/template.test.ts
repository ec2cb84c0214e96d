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
});
