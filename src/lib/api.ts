// fetch for client components: JSON in, JSON out, and the portal's error body ({ error: { code, message, fields } })
// turned into a value the form can show next to the field or the button that caused it.
export type ApiError = { code: string; message: string; fields?: Record<string, string>; status: number };
export type ApiResult<T> = { ok: true; data: T; status: number } | { ok: false; error: ApiError };

export async function api<T>(
  path: string,
  init: Omit<RequestInit, "body"> & { json?: unknown; body?: BodyInit } = {},
): Promise<ApiResult<T>> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers, body, credentials: "same-origin" });
  } catch {
    return {
      ok: false,
      error: {
        code: "NETWORK",
        message: "Could not reach the portal. Check your connection and try again.",
        status: 0,
      },
    };
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (res.ok) return { ok: true, data: data as T, status: res.status };
  const error = (data as { error?: Partial<ApiError> } | null)?.error;
  if (res.status === 401) {
    return {
      ok: false,
      error: { code: "UNAUTHENTICATED", message: "Your session has ended. Please sign in again.", status: 401 },
    };
  }
  return {
    ok: false,
    error: {
      code: error?.code ?? "HTTP_ERROR",
      message: error?.message ?? `The request failed (HTTP ${res.status}).`,
      fields: error?.fields,
      status: res.status,
    },
  };
}

/** "?a=1&b=x" from the values that are set (trimmed; empty, null and undefined left out), in their order; "" when none is. */
export function queryString(values: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    const text = value === undefined || value === null ? "" : String(value).trim();
    if (text) params.set(key, text);
  }
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}
