// The README's two commands on a fresh machine: `npm test` (scripts/test.sh) asks setup-services.sh for every
// service the suite uses, CI runs exactly what a newcomer runs, and the quick start installs what every shipped
// feature needs (the lab VPN included).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");
const code = (p: string) =>
  read(p)
    .split("\n")
    .filter((l) => l.trim() && !l.trim().startsWith("#"));
/** The parts a script passes to setup-services.sh (the one call, run as root). */
const partsAsked = (p: string) => {
  const line = code(p).find((l) => l.includes("scripts/setup-services.sh"));
  const m = /setup-services\.sh((?:\s+[a-z]+)*)/.exec(line ?? "");
  return (m?.[1] ?? "").trim().split(/\s+/).filter(Boolean);
};

describe("fresh machine", () => {
  it("npm test asks setup-services.sh for every part the tests need, the VPN's included", () => {
    const asked = partsAsked("scripts/test.sh");
    for (const part of ["postgres", "chromium", "libvirt", "docker", "sshd", "vpn", "metrics", "assets"])
      expect(asked).toContain(part);
    // the VPN integration test needs openvpn, nft, ip and ping: the vpn part installs them
    const vpnTests = readdirSync(join(ROOT, "tests/integration")).filter((f) => f.startsWith("vpn"));
    expect(vpnTests.length).toBeGreaterThan(0);
    expect(read("scripts/setup-services.sh")).toMatch(/want vpn[\s\S]*apt_install openvpn easy-rsa nftables/);
    // the metrics test pipes a scrape through promtool: the metrics part installs it
    expect(read("scripts/setup-services.sh")).toMatch(/want metrics[\s\S]*apt_install prometheus/);
  });

  it("CI runs exactly npm install, then npm test (no set-up step of its own)", () => {
    expect(code(".ci/run").filter((l) => !/^(set |cd )/.test(l))).toEqual([
      "npm install --no-audit --no-fund",
      "npm test",
    ]);
  });

  it("the quick start installs what every shipped feature needs, the lab VPN included", () => {
    expect(partsAsked("scripts/quickstart.sh")).toEqual(expect.arrayContaining(["libvirt", "docker", "vpn", "assets"]));
  });

  it(".env.example reads the same in the shell (the quick start sources .env) as in the portal", () => {
    // quickstart.sh runs `set -a; . ./.env` on a copy of .env.example: every line must be a plain assignment the
    // shell takes silently and whole (a space in a value ran the rest as a command: "::1/128: No such file")
    const lines = code(".env.example");
    const run = spawnSync("bash", ["-c", "set -a; . ./.env.example; set +a; env -0"], { cwd: ROOT, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const shell = new Map(
      run.stdout.split("\0").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    );
    for (const line of lines) {
      const eq = line.indexOf("=");
      expect(eq, line).toBeGreaterThan(0);
      const [name, value] = [line.slice(0, eq), line.slice(eq + 1)];
      expect(shell.get(name), name).toBe(value);
    }
  });
});
