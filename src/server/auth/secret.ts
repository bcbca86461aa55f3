// The key that signs session cookies: AUTH_SECRET, or one generated on first start and kept in data/.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { env } from "@/env";

const globalForSecret = globalThis as unknown as { __labAuthSecret?: string };

export function authSecret(): string {
  if (globalForSecret.__labAuthSecret) return globalForSecret.__labAuthSecret;
  const fromEnv = env().AUTH_SECRET;
  if (fromEnv) {
    globalForSecret.__labAuthSecret = fromEnv;
    return fromEnv;
  }
  const dir = resolve(env().DATA_DIR);
  const file = join(dir, "auth-secret");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString("base64url"), { mode: 0o600, flag: "wx" });
  }
  globalForSecret.__labAuthSecret = readFileSync(file, "utf8").trim();
  return globalForSecret.__labAuthSecret;
}
