/** One record of a CSV file: its fields and the line it starts on (1-based, physical lines). */
export interface CsvRecord {
  readonly fields: readonly string[];
  readonly line: number;
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * An incremental RFC 4180 parser: feed it text in chunks of any size (a chunk may end inside a
 * quoted field or between CR and LF) and it hands back the complete records so far.
 * - Fields are separated by `,`; records end with CRLF or LF (a lone CR too); the last record
 *   needs no line break. Blank lines are skipped.
 * - A quoted field may contain commas, line breaks and `""` for a quote. A quote inside an
 *   unquoted field, or text after a closing quote, is a syntax error naming the line.
 * - A UTF-8 byte-order mark at the start is dropped (Excel writes one).
 */
export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private state: 'start' | 'unquoted' | 'quoted' | 'quote-in-quoted' = 'start';
  private line = 1;
  private recordLine = 1;
  private pendingCr = false;
  private first = true;
  private fieldTouched = false;
  private quotedCr = false;

  /** Parses the next chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (this.pendingCr) {
        this.pendingCr = false;
        if (c === '\n') continue; // CRLF: the CR already ended the record
      }
      switch (this.state) {
        case 'quoted':
          if (c === '"') this.state = 'quote-in-quoted';
          else {
            // A line break inside a quoted field: CR, LF and CRLF each count as one line.
            if (c === '\r' || (c === '\n' && !this.quotedCr)) this.line += 1;
            this.quotedCr = c === '\r';
            this.field += c;
          }
          break;
        case 'quote-in-quoted':
          if (c === '"') {
            this.field += '"';
            this.state = 'quoted';
          } else if (c === ',') this.endField();
          else if (c === '\n' || c === '\r') this.endRecord(out, c);
          else throw new CsvSyntaxError(this.line, 'text after a closing quote: a quoted field must end at a comma or the end of the line.');
          break;
        default:
          if (c === ',') this.endField();
          else if (c === '\n' || c === '\r') this.endRecord(out, c);
          else if (c === '"') {
            if (this.state === 'start') {
              this.state = 'quoted';
              this.quotedCr = false;
              this.fieldTouched = true;
            } else throw new CsvSyntaxError(this.line, 'a quote inside an unquoted field: quote the whole field and double the quote ("").');
          } else {
            this.field += c;
            this.state = 'unquoted';
            this.fieldTouched = true;
          }
      }
    }
    return out;
  }

  /** Ends the input: returns the last record if the file did not end with a line break. */
  end(): CsvRecord[] {
    if (this.state === 'quoted') throw new CsvSyntaxError(this.recordLine, 'a quoted field is not closed before the end of the file.');
    const out: CsvRecord[] = [];
    if (this.fields.length > 0 || this.fieldTouched) {
      this.fields.push(this.field);
      out.push({ fields: this.fields, line: this.recordLine });
    }
    this.reset();
    return out;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'start';
    this.fieldTouched = true;
  }

  private endRecord(out: CsvRecord[], c: string): void {
    if (c === '\r') this.pendingCr = true;
    if (this.fields.length > 0 || this.fieldTouched) {
      this.fields.push(this.field);
      out.push({ fields: this.fields, line: this.recordLine });
    }
    this.line += 1;
    this.reset();
  }

  private reset(): void {
    this.field = '';
    this.fields = [];
    this.state = 'start';
    this.fieldTouched = false;
    this.recordLine = this.line;
  }
}

/** Parses a whole CSV text (tests, small inputs). */
export function parseCsv(text: string): CsvRecord[] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}
