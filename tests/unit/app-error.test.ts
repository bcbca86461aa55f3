import { describe, expect, it } from "vitest";
import { AppError, ERRORS } from "../../src/server/http/app-error";

describe("error table", () => {
  it("gives every code an HTTP status and a distinct-enough WebSocket close code", () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      // 4000–4999 are the application's own close codes; 1001/1011/1013/1014 are standard ones (going away, error, try again later, bad gateway)
      expect(entry.ws >= 4000 && entry.ws <= 4999 ? true : [1001, 1011, 1013, 1014].includes(entry.ws), code).toBe(
        true,
      );
      if (entry.status < 500) expect(entry.ws, code).toBeGreaterThanOrEqual(4000);
      expect(entry.message.length, code).toBeGreaterThan(5);
    }
  });

  it("serialises to the one error body, with fields when given", () => {
    const e = new AppError("VALIDATION_FAILED", "Email is not valid.", { fields: { email: "Not an email." } });
    expect(e.status).toBe(422);
    expect(e.wsCloseCode).toBe(4422);
    expect(e.toBody()).toEqual({
      error: { code: "VALIDATION_FAILED", message: "Email is not valid.", fields: { email: "Not an email." } },
    });
    expect(new AppError("NOT_FOUND").toBody()).toEqual({ error: { code: "NOT_FOUND", message: "Not found." } });
  });
});
