// A small RFC 4180 CSV reader for user imports. Tolerates what spreadsheets actually produce: a UTF-8 BOM, CRLF,
// LF or CR line ends, quoted fields with "" escapes and line breaks, blank lines, and ";" or tab as separator
// when the first line has no comma (European Excel exports). Each record keeps the line number it starts on, so
// errors can point at the line a person sees in their editor.

export type CsvRecord = { line: number; fields: string[] };

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "CsvError";
  }
}

/** "," unless the first non-blank line has no comma but does have ";" or a tab. */
export function detectDelimiter(text: string): string {
  const first = text.split(/\r\n|\n|\r/).find((l) => l.trim() !== "") ?? "";
  const unquoted = first.replace(/"[^"]*"/g, "");
  if (unquoted.includes(",")) return ",";
  if (unquoted.includes(";")) return ";";
  if (unquoted.includes("\t")) return "\t";
  return ",";
}

export function parseCsv(input: string, delimiter = detectDelimiter(input.replace(/^\uFEFF/, ""))): CsvRecord[] {
  const text = input.replace(/^\uFEFF/, "");
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;

  const endField = () => {
    fields.push(field);
    field = "";
  };
  const endRecord = () => {
    endField();
    if (fields.some((f) => f.trim() !== "")) records.push({ line: recordLine, fields });
    fields = [];
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else if (c === "\r" || c === "\n") {
        if (c === "\r" && text[i + 1] === "\n") i++;
        field += "\n";
        line++;
      } else {
        field += c;
      }
      continue;
    }
    if (c === '"' && field.trim() === "") {
      // An opening quote (spaces before it are dropped).
      field = "";
      inQuotes = true;
      quoteLine = line;
    } else if (c === delimiter) {
      endField();
    } else if (c === "\r" || c === "\n") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      // Also a stray quote inside an unquoted field, kept as a literal character.
      field += c;
    }
  }
  if (inQuotes) throw new CsvError(`Line ${quoteLine}: a quoted field is never closed (missing ").`, quoteLine);
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}
