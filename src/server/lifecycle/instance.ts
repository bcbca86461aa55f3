// This process's name among the portal instances sharing the database (lease holders, console sessions).
import { randomBytes } from "node:crypto";

const globalForInstance = globalThis as unknown as { __labInstance?: string };

export function instanceId(): string {
  globalForInstance.__labInstance ??= `${process.pid}-${randomBytes(6).toString("hex")}`;
  return globalForInstance.__labInstance;
}
