import { describe, expect, it } from 'vitest';
import { highlightModel, type HighlightSpan } from '@renderer/logic/modelHighlight';

const join = (s: HighlightSpan[]) => s.map((x) => x.text).join('');
const classed = (s: HighlightSpan[]) => s.filter((x) => x.cls !== 'plain').map((x) => [x.text, x.cls]);

describe('workbench highlighting (tokens → classes, from the language lexer)', () => {
  it('classes keywords, numbers, names, strings, operators and both comment forms', () => {
    const src = 'var int x in 1..10; // size\nconstraint "cap": x <= 5 # done\n/* a\nb */ maximize x;';
    const s = highlightModel(src);
    expect(join(s)).toBe(src);
    expect(classed(s)).toEqual([
      ['var', 'kw'], ['int', 'kw'], ['x', 'ident'], ['in', 'kw'], ['1', 'num'], ['..', 'op'], ['10', 'num'], [';', 'op'], ['// size', 'comment'],
      ['constraint', 'kw'], ['"cap"', 'str'], [':', 'op'], ['x', 'ident'], ['<=', 'op'], ['5', 'num'], ['# done', 'comment'],
      ['/* a\nb */', 'comment'], ['maximize', 'kw'], ['x', 'ident'], [';', 'op'],
    ]);
  });
  it('binPacking and sum are keywords; a name that merely starts like one is not', () => {
    expect(classed(highlightModel('binPacking sumx sum'))).toEqual([['binPacking', 'kw'], ['sumx', 'ident'], ['sum', 'kw']]);
  });
  it('an unreadable character spoils only the rest of its line', () => {
    const src = 'var int a in 1..2 @ oops\nminimize a;';
    const s = highlightModel(src);
    expect(join(s)).toBe(src);
    expect(classed(s)).toEqual([['var', 'kw'], ['int', 'kw'], ['a', 'ident'], ['in', 'kw'], ['1', 'num'], ['..', 'op'], ['2', 'num'], ['@ oops', 'bad'], ['minimize', 'kw'], ['a', 'ident'], [';', 'op']]);
  });
  it('marks the token at the error line:col, and a line end with an empty span', () => {
    const src = 'var int a in 1..2;\nminimize b;';
    const s = highlightModel(src, { line: 2, col: 10 });
    expect(join(s)).toBe(src);
    expect(s.filter((x) => x.error)).toEqual([{ text: 'b', cls: 'ident', error: true }]);
    const end = highlightModel(src, { line: 1, col: 19 });
    expect(join(end)).toBe(src);
    const i = end.findIndex((x) => x.error);
    expect(end[i]).toEqual({ text: '', cls: 'plain', error: true });
    expect(end[i + 1].text.startsWith('\n')).toBe(true);
  });
  it('an error past the text is marked at its end; outside the lines it is ignored', () => {
    expect(highlightModel('x', { line: 1, col: 2 }).at(-1)).toEqual({ text: '', cls: 'plain', error: true });
    expect(highlightModel('x', { line: 5, col: 1 }).some((x) => x.error)).toBe(false);
  });
});
