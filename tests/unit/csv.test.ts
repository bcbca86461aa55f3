import { describe, expect, it } from "vitest";
import { csvCell } from "../../src/lib/csv";
import { CsvError, detectDelimiter, parseCsv } from "../../src/server/users/csv";

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe("parseCsv", () => {
  it("reads simple rows with their line numbers", () => {
    expect(parseCsv("email,name\na@x.org,Ann\nb@x.org,Bob\n")).toEqual([
      { line: 1, fields: ["email", "name"] },
      { line: 2, fields: ["a@x.org", "Ann"] },
      { line: 3, fields: ["b@x.org", "Bob"] },
    ]);
  });

  it("reads the last row without a trailing newline", () => {
    expect(fields("a,b\nc,d")).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
  });

  it("handles CRLF and lone CR line ends", () => {
    expect(parseCsv("a,b\r\nc,d\r\n")).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["c", "d"] },
    ]);
    expect(fields("a,b\rc,d")).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
  });

  it("strips a UTF-8 byte order mark", () => {
    expect(fields("\uFEFFemail,name\nx@y.org,Xi")[0]).toEqual(["email", "name"]);
  });

  it("skips blank and whitespace-only lines but keeps line numbers true", () => {
    expect(parseCsv("\n a@x.org,Ann\n\n   \n,,\nb@x.org,Bob\n\n")).toEqual([
      { line: 2, fields: [" a@x.org", "Ann"] },
      { line: 6, fields: ["b@x.org", "Bob"] },
    ]);
  });

  it("reads quoted fields with delimiters, escaped quotes and line breaks", () => {
    const records = parseCsv(
      'email,name\n"a@x.org","Doe, Jane"\n"b@x.org","The ""Boss"""\n"c@x.org","Two\r\nLines"\nd@x.org,Dee\n',
    );
    expect(records).toEqual([
      { line: 1, fields: ["email", "name"] },
      { line: 2, fields: ["a@x.org", "Doe, Jane"] },
      { line: 3, fields: ["b@x.org", 'The "Boss"'] },
      { line: 4, fields: ["c@x.org", "Two\nLines"] },
      { line: 6, fields: ["d@x.org", "Dee"] },
    ]);
  });

  it("keeps empty fields, including empty quoted ones and a trailing empty field", () => {
    expect(fields('a,,""\nb,c,')).toEqual([
      ["a", "", ""],
      ["b", "c", ""],
    ]);
  });

  it("allows spaces before an opening quote and keeps a stray quote inside an unquoted field", () => {
    expect(fields('a,  "b, c"\nO"Brien,x')).toEqual([
      ["a", "b, c"],
      ['O"Brien', "x"],
    ]);
  });

  it("reports an unclosed quote with the line where it started", () => {
    expect(() => parseCsv('a,b\nc,"never closed\nmore')).toThrow(CsvError);
    try {
      parseCsv('a,b\nc,"never closed\nmore');
    } catch (error) {
      expect((error as CsvError).line).toBe(2);
      expect((error as CsvError).message).toMatch(/^Line 2:/);
    }
  });

  it("returns nothing for an empty or blank text", () => {
    expect(parseCsv("")).toEqual([]);
    expect(parseCsv("\uFEFF\r\n\r\n")).toEqual([]);
  });

  it("uses semicolon or tab when the first line has no comma", () => {
    expect(detectDelimiter("email;name\na;b")).toBe(";");
    expect(detectDelimiter("email\tname")).toBe("\t");
    expect(detectDelimiter('"x;y",z')).toBe(",");
    expect(detectDelimiter("email")).toBe(",");
    expect(fields("email;name\na@x.org;Müller, Anna")).toEqual([
      ["email", "name"],
      ["a@x.org", "Müller, Anna"],
    ]);
  });
});

describe("csvCell", () => {
  it("quotes only when needed and round-trips through parseCsv", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    const values = ["a,b", 'q"q', "two\nlines", " padded ", "plain"];
    expect(fields(values.map(csvCell).join(","))).toEqual([values]);
  });

  it("neutralises every cell a spreadsheet could read as a formula, including ; and leading spaces", () => {
    for (const v of [
      "=1+1",
      "+1",
      "-1",
      "@SUM(A1)",
      ";=cmd",
      "|calc",
      "\t=1",
      "\r=1",
      "\n=1",
      "  =1+1",
      "\u00A0=1",
      "\uFF1D1+1",
      "\uFF0B1",
      "\uFF20x",
    ]) {
      const cell = csvCell(v);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(unquoted, `${JSON.stringify(v)} -> ${cell}`).toBe(`'${v}`);
    }
    expect(csvCell("plain text")).toBe("plain text");
  });

  it("quotes a cell with a semicolon so a semicolon-separated reader keeps it whole", () => {
    expect(csvCell("a;=HYPERLINK()")).toBe('"a;=HYPERLINK()"');
    expect(fields(csvCell("a;b"))).toEqual([["a;b"]]);
  });
});
