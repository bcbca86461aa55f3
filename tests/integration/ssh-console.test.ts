// The SSH console through the portal, against a real container running sshd (labportal/test-ssh, student/student):
// the password is asked from the browser, a wrong one is reported and asked again, the shell works both ways,
// and the host key is pinned on first use — a different key is refused (4468) before any password is asked.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { requireAssets } from "../support/assets";
import type { PortalClient } from "../support/client";
import { createContainerTemplate, ensureHosts, waitFor, waitForJob, waitForState } from "../support/machines";
import { signedIn, signedInAdmin, testDb } from "../support/users";

const FAKE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFak";

type Control = { type: string; prompt?: string; message?: string; code?: number | null };

/** One terminal WebSocket as a browser would hold it: output text, control messages, and how it closed. */
class Terminal {
  output = "";
  controls: Control[] = [];
  closed: { code: number; reason: string } | null = null;
  private wake: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.output += data.toString("utf8");
      else this.controls.push(JSON.parse(data.toString("utf8")) as Control);
      this.notify();
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
    ws.on("error", () => {});
  }

  private notify() {
    for (const w of this.wake.splice(0)) w();
  }

  /** Resolves when `done` holds; fails with what was seen so far after `timeoutMs`. */
  async until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `Timed out waiting for ${what}; controls ${JSON.stringify(this.controls)}, closed ${JSON.stringify(this.closed)}, output ${JSON.stringify(this.output.slice(-300))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  prompts(): Control[] {
    return this.controls.filter((c) => c.type === "auth");
  }

  password(password: string) {
    this.ws.send(JSON.stringify({ type: "auth", password }));
  }

  type(text: string) {
    this.ws.send(Buffer.from(text, "utf8"), { binary: true });
  }
}

async function openTerminal(client: PortalClient, machineId: string): Promise<Terminal> {
  const ticket = await client.json<{ url: string }>(`/api/machines/${machineId}/console`, {
    method: "POST",
    json: { kind: "ssh" },
  });
  if (ticket.status !== 201) throw new Error(`ticket: ${ticket.status} ${JSON.stringify(ticket.body)}`);
  const portalUrl = inject("portalUrl");
  const ws = new WebSocket(`${portalUrl.replace(/^http/, "ws")}${ticket.body.url}`, {
    headers: { cookie: client.cookieHeader(), origin: portalUrl, "x-forwarded-for": client.ip },
  });
  return new Terminal(ws);
}

describe("SSH console", () => {
  let teacher: PortalClient;
  let machineId: string | null = null;

  beforeAll(async () => {
    await requireAssets("docker");
    const admin = await signedInAdmin();
    await ensureHosts(admin);
    const templateId = await createContainerTemplate(admin);
    teacher = (await signedIn("TEACHER")).client;
    const created = await teacher.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId, name: "ssh lab" },
    });
    expect(created.status).toBe(202);
    expect((await waitForJob(teacher, created.body.job.id)).status).toBe("SUCCEEDED");
    machineId = created.body.machines[0]?.id as string;
    await teacher.json(`/api/machines/${machineId}/start`, { method: "POST", json: {} });
    await waitForState(teacher, machineId, "RUNNING");
  }, 180_000);

  afterAll(async () => {
    if (!machineId) return;
    await teacher.json(`/api/machines/${machineId}`, { method: "DELETE" });
    await waitFor(
      "delete",
      () => teacher.fetch(`/api/machines/${machineId}`).then((r) => r.status),
      (s) => s === 404,
      60_000,
    );
  }, 90_000);

  /** The first connection: sshd may still be starting, so a refused connection (4502) is retried for a while. */
  async function firstTerminal(): Promise<Terminal> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const term = await openTerminal(teacher, machineId as string);
      await term.until("a password prompt or a close", () => term.prompts().length > 0 || term.closed !== null);
      if (term.prompts().length > 0) return term;
      if (term.closed?.code !== 4502 || Date.now() > deadline)
        throw new Error(`SSH console closed: ${JSON.stringify(term.closed)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it("asks for the password, reports a wrong one and asks again, then runs a shell", async () => {
    const term = await firstTerminal();
    expect(term.prompts()[0]?.prompt).toMatch(/^Password for student@/);

    term.password("not-the-password");
    await term.until("the wrong-password status", () =>
      term.controls.some((c) => c.type === "status" && c.message === "Wrong password"),
    );
    await term.until("a second prompt", () => term.prompts().length === 2);
    expect(term.closed).toBeNull();

    term.password("student");
    await term.until("the shell's first output", () => term.output.length > 0);
    term.type("echo ssh-$((6*7))\n");
    await term.until("the command's output", () => term.output.includes("ssh-42"));

    // the host key was pinned on this first use
    const row = await testDb().machine.findUnique({ where: { id: machineId as string }, select: { sshHostKey: true } });
    expect(row?.sshHostKey).toMatch(/^(ssh-ed25519|ecdsa-sha2-nistp\d+|rsa-sha2-\d+|ssh-rsa) [A-Za-z0-9+/]+=*$/);

    term.type("exit 3\n");
    await term.until("the shell to end", () => term.closed !== null);
    expect(term.controls.at(-1)).toEqual({ type: "exit", code: 3 });
    expect(term.closed?.code).toBe(1000);
  }, 90_000);

  it("gives up after three wrong passwords with a clear reason", async () => {
    const term = await openTerminal(teacher, machineId as string);
    for (let i = 1; i <= 3; i++) {
      await term.until(`prompt ${i}`, () => term.prompts().length === i);
      term.password(`wrong-${i}`);
    }
    await term.until("the console to close", () => term.closed !== null, 30_000);
    expect(term.prompts()).toHaveLength(3);
    expect(term.closed?.code).toBe(4469);
    expect(term.closed?.reason).toMatch(/Wrong password 3 times/);
  }, 60_000);

  it("refuses a changed host key with 4468 before asking for a password", async () => {
    const id = machineId as string;
    const pinned = (await testDb().machine.findUnique({ where: { id }, select: { sshHostKey: true } }))?.sshHostKey;
    expect(pinned).toBeTruthy();

    await testDb().machine.update({ where: { id }, data: { sshHostKey: FAKE_KEY } });
    const refused = await openTerminal(teacher, id);
    await refused.until("the console to close", () => refused.closed !== null);
    expect(refused.closed?.code).toBe(4468);
    expect(refused.closed?.reason).toMatch(/host key changed/);
    expect(refused.prompts()).toHaveLength(0);
    // the pinned key is left as it was (an admin decides)
    expect((await testDb().machine.findUnique({ where: { id }, select: { sshHostKey: true } }))?.sshHostKey).toBe(
      FAKE_KEY,
    );

    // after an admin's reset, the next connection pins the machine's real key again
    await testDb().machine.update({ where: { id }, data: { sshHostKey: null } });
    const again = await openTerminal(teacher, id);
    await again.until("a password prompt", () => again.prompts().length > 0);
    again.ws.close();
    expect((await testDb().machine.findUnique({ where: { id }, select: { sshHostKey: true } }))?.sshHostKey).toBe(
      pinned,
    );
  }, 60_000);
});
