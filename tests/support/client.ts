// A small HTTP client for integration tests: keeps cookies like a browser, signs in through next-auth.
export class PortalClient {
  private cookies = new Map<string, string>();
  constructor(
    readonly baseUrl: string,
    /** Pretend to come from this address (the test server trusts X-Forwarded-For). */
    readonly ip = `10.99.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (!value || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The portal's own origin, which a browser sends as Origin on every state-changing request from its pages. */
  origin(): string {
    return new URL(this.baseUrl).origin;
  }

  /**
   * Like a browser on the portal's pages: state-changing requests carry the portal's Origin, unless the call uses
   * a Bearer token (an API client) or `origin` says otherwise (a string: that Origin; null: none).
   */
  async fetch(path: string, init: RequestInit & { json?: unknown; origin?: string | null } = {}): Promise<Response> {
    const { origin, json: _json, ...rest } = init;
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", this.cookieHeader());
    const method = (init.method ?? "GET").toUpperCase();
    if (origin !== undefined) {
      if (origin === null) headers.delete("origin");
      else headers.set("origin", origin);
    } else if (
      !["GET", "HEAD", "OPTIONS"].includes(method) &&
      !headers.has("authorization") &&
      !headers.has("origin")
    ) {
      headers.set("origin", this.origin());
    }
    headers.set("x-forwarded-for", this.ip);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    const res = await fetch(`${this.baseUrl}${path}`, { ...rest, headers, body, redirect: "manual" });
    this.remember(res);
    return res;
  }

  async json<T = unknown>(
    path: string,
    init: RequestInit & { json?: unknown; origin?: string | null } = {},
  ): Promise<{ status: number; body: T }> {
    const res = await this.fetch(path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  /** Signs in through next-auth's credentials callback. Returns the error text next-auth reported, or null. */
  async signIn(email: string, password: string): Promise<string | null> {
    const csrf = await this.json<{ csrfToken: string }>("/api/auth/csrf");
    const res = await this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: csrf.body.csrfToken, email, password, json: "true" }).toString(),
    });
    const location = res.headers.get("location") ?? "";
    const text = await res.text();
    const body = text.startsWith("{") ? (JSON.parse(text) as { url?: string }) : null;
    const target = body?.url ?? location;
    const error = new URL(target, this.baseUrl).searchParams.get("error");
    return error;
  }

  async signOut(): Promise<void> {
    const csrf = await this.json<{ csrfToken: string }>("/api/auth/csrf");
    await this.fetch("/api/auth/signout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: csrf.body.csrfToken, json: "true" }).toString(),
    });
  }
}
