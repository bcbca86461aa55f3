import { describe, expect, it } from "vitest";
import { pageInfo } from "../../src/components/ui/pager";
import { queryString } from "../../src/lib/api";

describe("queryString", () => {
  it("keeps the set values in their order, trimmed, and leaves out empty ones", () => {
    expect(queryString({ page: 2, pageSize: 25, q: "  ann ", role: "", status: undefined, planId: null })).toBe(
      "?page=2&pageSize=25&q=ann",
    );
  });
  it("is empty when nothing is set, and encodes what it keeps", () => {
    expect(queryString({ q: " ", x: undefined })).toBe("");
    expect(queryString({ q: "a&b c" })).toBe("?q=a%26b+c");
  });
});

describe("pageInfo", () => {
  it("counts pages and the shown range", () => {
    expect(pageInfo({ total: 120, page: 2, pageSize: 25 })).toEqual({ pages: 5, from: 26, to: 50 });
    expect(pageInfo({ total: 120, page: 5, pageSize: 25 })).toEqual({ pages: 5, from: 101, to: 120 });
  });
  it("has one page and an empty range when there is nothing (yet)", () => {
    expect(pageInfo({ total: 0, page: 1, pageSize: 25 })).toEqual({ pages: 1, from: 0, to: 0 });
    expect(pageInfo(null)).toEqual({ pages: 1, from: 0, to: 0 });
  });
});
