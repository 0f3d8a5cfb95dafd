import fc from 'fast-check';
import { CsvParser, CsvSyntaxError, parseCsv } from './csv';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe('CsvParser (RFC 4180)', () => {
  it('reads plain and quoted fields, CRLF and LF, a missing final line break and blank lines', () => {
    expect(fields('a,b,c\r\n1,2,3\r\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
    expect(fields('a,b\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(fields('a,b\n\n\n1,2\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(fields('a,,\n,,')).toEqual([['a', '', ''], ['', '', '']]);
    expect(fields('"a, b","say ""hi""","line\nbreak",""\n')).toEqual([['a, b', 'say "hi"', 'line\nbreak', '']]);
    expect(fields('\ufeffdate,model\n')).toEqual([['date', 'model']]);
  });

  it('numbers records by the line they start on, counting line breaks inside quotes', () => {
    expect(parseCsv('h\n"a\nb"\r\nc\r"d\r\ne"\nf').map((r) => r.line)).toEqual([1, 2, 4, 5, 7]);
  });

  it('names the line of a syntax error', () => {
    expect(() => parseCsv('a,b\n1,x"y\n')).toThrow(new CsvSyntaxError(2, 'a quote inside an unquoted field: quote the whole field and double the quote ("").'));
    expect(() => parseCsv('a\n"ok"x\n')).toThrow(/line 2: text after a closing quote/);
    expect(() => parseCsv('a\n\n"never closed\n')).toThrow(/line 3: a quoted field is not closed/);
  });

  it('gives the same records however the text is cut into chunks', () => {
    const cell = fc.oneof(fc.string({ maxLength: 6 }).filter((s) => !/["\r\n,]/.test(s)), fc.string({ maxLength: 6 }).map((s) => `"${s.replace(/"/g, '""')}"`));
    const row = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
    const text = fc.tuple(fc.array(row, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r')).map(([rows, eol]) => rows.join(eol) + eol);
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 8 }), (csv, cuts) => {
        const whole = parseCsv(csv);
        const parser = new CsvParser();
        const points = [...new Set(cuts.map((c) => c % (csv.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let from = 0;
        for (const point of points) {
          chunks.push(csv.slice(from, point));
          from = point;
        }
        chunks.push(csv.slice(from));
        const pieces = [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.end()];
        expect(pieces).toEqual(whole);
      }),
    );
  });
});
