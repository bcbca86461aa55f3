// Every environment variable the portal reads, declared once with its default and a clear message.
// Imported by next.config.mjs (through scripts/check-env) so a bad value fails the build, and by server.ts.
import { z } from "zod";
import { emptyAsUndefined } from "./server/http/zod-fragments";
import { DEFAULT_METRICS_ALLOW, parseAllowList } from "./server/metrics/allow-list";

const str = () => z.preprocess(emptyAsUndefined, z.string().optional());
const int = (def: number, min: number, max: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(min).max(max).default(def));
const bool = (def: boolean) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
      .default(def ? "true" : "false")
      .transform((v) => v === "true" || v === "1" || v === "yes"),
  );

export const ZEnv = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(["development", "production", "test"]).default("development")),
  HOST: z.preprocess(emptyAsUndefined, z.string().default("0.0.0.0")),
  PORT: int(3000, 1, 65535),
  PUBLIC_URL: z.preprocess(
    emptyAsUndefined,
    z.url({ message: "must be an absolute URL such as https://labs.example.edu" }).optional(),
  ),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default("file:./data/lab-portal.db")
      .refine((v) => v.startsWith("file:") || /^postgres(ql)?:\/\//.test(v), {
        message: "must be file:<path> (SQLite) or postgresql://user:pass@host:port/db",
      }),
  ),
  AUTH_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, { message: "must be at least 32 characters (run: openssl rand -base64 48)" }).optional(),
  ),
  SESSION_MAX_AGE_HOURS: int(12, 1, 24 * 30),
  ADMIN_EMAIL: z.preprocess(
    emptyAsUndefined,
    z.email({ message: "must be an email address" }).default("admin@lab.local"),
  ),
  ADMIN_PASSWORD: str(),
  ADMIN_NAME: z.preprocess(emptyAsUndefined, z.string().default("Administrator")),
  TRUST_PROXY: bool(false),
  API_MAX_BODY_KB: int(1024, 1, 1024 * 1024),
  LOGIN_MAX_FAILURES_ACCOUNT: int(5, 1, 1000),
  LOGIN_MAX_FAILURES_IP: int(30, 1, 100000),
  LOGIN_LOCK_MAX_SECONDS: int(900, 1, 86400),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default("data")),
  LOG_DIR: z.preprocess(emptyAsUndefined, z.string().default("logs")),
  // key for secrets sealed in the database; default: derived from the auth secret
  SECRETS_KEY: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, { message: "must be at least 32 characters" }).optional(),
  ),
  HOST_PROBE_SECONDS: int(30, 2, 3600),
  RECONCILE_SECONDS: int(30, 2, 3600),
  // hours metering, hours warnings and idle shutdown run this often
  METER_SECONDS: int(30, 1, 3600),
  // host and machine stats (CPU, memory, disk) are sampled this often while someone looks at them
  STATS_SECONDS: int(15, 2, 3600),
  // each instance renews its liveness lease, marks its open consoles and carries out other instances' requests
  // to end them this often; after three beats without, its consoles are closed and its jobs taken over
  INSTANCE_HEARTBEAT_SECONDS: int(5, 1, 300),
  MACHINE_STOP_TIMEOUT_SECONDS: int(60, 1, 3600),
  JOB_CONCURRENCY: int(4, 1, 32),
  UPLOAD_MAX_MB: int(20480, 1, 1024 * 1024),
  // "false" turns off host probes, event watchers and the sweep (one-off scripts, some tests)
  BACKGROUND_WORKERS: bool(true),
  // Lab VPN (OpenVPN with the portal's own PKI): defaults for the settings an admin can change at run time
  VPN_ENABLED: bool(false),
  VPN_REMOTE_HOST: str(),
  VPN_REMOTE_PORT: int(1194, 1, 65535),
  VPN_PROTO: z.preprocess(emptyAsUndefined, z.enum(["udp", "tcp"]).default("udp")),
  VPN_NETWORK: z.preprocess(emptyAsUndefined, z.string().default("10.8.0.0/24")),
  VPN_POOL: str(),
  VPN_LAB_NETWORKS: z.preprocess(emptyAsUndefined, z.string().default("")),
  VPN_CERT_DAYS: int(365, 1, 3650),
  VPN_RENEW_DAYS: int(30, 0, 3650),
  VPN_CRL_DAYS: int(7, 1, 365),
  // server side: where server.conf, ccd/ and crl.pem are written (default DATA_DIR/vpn/server), whether the
  // portal runs openvpn itself, an optional network namespace for openvpn and the firewall, the tun device name
  VPN_DIR: str(),
  VPN_RUN_OPENVPN: bool(false),
  VPN_NETNS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[\w.-]{1,64}$/, { message: "must be a network namespace name" })
      .optional(),
  ),
  VPN_DEVICE: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[a-z][\w-]{0,14}$/, { message: "must be an interface name (≤ 15 characters)" })
      .default("lpvpn0"),
  ),
  VPN_FIREWALL: z.preprocess(emptyAsUndefined, z.enum(["nftables", "off"]).default("nftables")),
  VPN_CRL_CHECK_SECONDS: int(3600, 5, 86400),
  // RD Gateway written into .rdp files (host[:port]); empty = none
  RDP_GATEWAY: str(),
  // /metrics (Prometheus): addresses that may scrape without a token, and the scrape token (Bearer) for others
  METRICS_ALLOW: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default(DEFAULT_METRICS_ALLOW)
      .superRefine((v, ctx) => {
        for (const message of parseAllowList(v).errors) ctx.addIssue({ code: "custom", message });
      }),
  ),
  METRICS_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().min(24, { message: "must be at least 24 characters (run: openssl rand -hex 24)" }).optional(),
  ),
  // pino's levels (src/server/log.ts)
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  ),
});

export type TEnv = z.infer<typeof ZEnv>;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined> = process.env): TEnv {
  const result = ZEnv.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".");
    const value = source[name];
    return `  ✗ ${name}${value === undefined ? "" : ` (= ${JSON.stringify(value)})`}: ${issue.message}`;
  });
  throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
}

const globalForEnv = globalThis as unknown as { __labEnv?: TEnv };

/** The parsed environment, read once per process (shared by server.ts and Next's module graph). */
export function env(): TEnv {
  globalForEnv.__labEnv ??= parseEnv();
  return globalForEnv.__labEnv;
}

export function isPostgres(url = env().DATABASE_URL): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}
