// Small secrets kept in the database (per-start display passwords, later private keys) are sealed with
// AES-256-GCM under a key derived from the portal's secret (SECRETS_KEY when set, else the auth secret).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { env } from "@/env";
import { authSecret } from "@/server/auth/secret";

function key(): Buffer {
  const material = env().SECRETS_KEY ?? authSecret();
  return Buffer.from(hkdfSync("sha256", material, "lab-portal", "seal v1", 32));
}

export function seal(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
}

export function unseal(sealed: string): string {
  if (!sealed.startsWith("v1.")) throw new Error("Unknown sealed format");
  const raw = Buffer.from(sealed.slice(3), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key(), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
