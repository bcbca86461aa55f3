// The one error table: every failure the portal reports has a code, an HTTP status and a WebSocket close code
// (4000 + status for client errors, so a console page can show the same reason an API call would get).

import { ERRORS, type ErrorCode } from "@/lib/errors";

export { ERRORS, type ErrorCode };

export type ErrorBody = { error: { code: ErrorCode; message: string; fields?: Record<string, string> } };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields?: Record<string, string>;
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    message?: string,
    options?: { fields?: Record<string, string>; headers?: Record<string, string> },
  ) {
    super(message ?? ERRORS[code].message);
    this.name = "AppError";
    this.code = code;
    this.fields = options?.fields;
    this.headers = options?.headers;
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  get wsCloseCode(): number {
    return ERRORS[this.code].ws;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) } };
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} was not found.`);
export const conflict = (message: string, fields?: Record<string, string>) =>
  new AppError("CONFLICT", message, { fields });
/** A 422 with per-field reasons; with one field and no message, that field's reason is the message. */
export const invalid = (fields: Record<string, string>, message?: string) => {
  const reasons = Object.values(fields);
  return new AppError(
    "VALIDATION_FAILED",
    message ?? (reasons.length === 1 ? (reasons[0] as string) : ERRORS.VALIDATION_FAILED.message),
    { fields },
  );
};

/** A provider failure as an API error: the reason picks the code, the message is the provider's own words. */
export function fromProviderError(error: { reason: string; message: string }): AppError {
  const code: ErrorCode =
    error.reason === "UNREACHABLE"
      ? "HOST_UNREACHABLE"
      : error.reason === "NOT_FOUND"
        ? "NOT_FOUND"
        : error.reason === "CONFLICT"
          ? "CONFLICT"
          : error.reason === "NO_SPACE"
            ? "INSUFFICIENT_STORAGE"
            : error.reason === "INVALID"
              ? "VALIDATION_FAILED"
              : "PROVIDER_FAILED";
  return new AppError(code, error.message);
}
