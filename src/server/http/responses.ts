import { AppError, type ErrorCode } from "./app-error";

export function json(data: unknown, init?: number | ResponseInit): Response {
  const responseInit = typeof init === "number" ? { status: init } : init;
  return Response.json(data, { ...responseInit, headers: { "Cache-Control": "no-store", ...responseInit?.headers } });
}

export function errorResponse(error: AppError): Response {
  return json(error.toBody(), { status: error.status, headers: error.headers });
}

export function errorOf(code: ErrorCode, message?: string): Response {
  return errorResponse(new AppError(code, message));
}
