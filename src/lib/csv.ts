// Writing CSV, for the server (audit export) and the browser (import results download) alike: RFC 4180 quoting
// (a field with a comma, quote, line break or edge whitespace is quoted, quotes doubled), and safe to open in a
// spreadsheet: a cell starting with = + - @ ; | (or their full-width forms), tab, CR or LF — also after leading
// spaces — gets a leading single quote so it is never a formula, and a cell with a semicolon is quoted so a
// spreadsheet that splits on semicolons (many European locales) keeps it whole.

export function csvCell(value: string | null | undefined): string {
  let text = value ?? "";
  if (/^[\t\r\n]|^[\s\u00A0\u3000]*[=+\-@;|\uFF1D\uFF0B\uFF0D\uFF20\uFF1B]/.test(text)) text = `'${text}`;
  return /[",;\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
