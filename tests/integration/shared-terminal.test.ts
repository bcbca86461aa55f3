// Watching a terminal shows the student's own shell (one shared terminal per machine and kind), against a real
// container over docker exec and over SSH (labportal/test-ssh, student/student): what the student typed is on a
// late watcher's screen (scrollback replay) and what they type next arrives live; a view-only watcher's keystrokes
// are dropped; a teacher who takes over types into the student's terminal; an SSH watcher attaches to the
// student's authenticated session without a password prompt; a watcher with no terminal to watch is told so.
// The student's /api/me/watchers and console.watching events follow the watchers (the banner's data).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { requireAssets } from "../support/assets";
import type { PortalClient } from "../support/client";
import { eventFeed, type FeedEvent } from "../support/lab-class";
import { createContainerTemplate, ensureHosts, waitFor, waitForJob, waitForState } from "../support/machines";
import { signedIn, signedInAdmin } from "../support/users";

type Control = { type: string; prompt?: string; message?: string; code?: number | null; cols?: number; rows?: number };

/** A terminal socket as a browser holds it: output text, control messages, close. */
class Term {
  output = "";
  controls: Control[] = [];
  closed: { code: number; reason: string } | null = null;
  opened: Promise<void>;

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.output += data.toString("utf8");
      else this.controls.push(JSON.parse(data.toString("utf8")) as Control);
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
    ws.on("error", () => {});
    this.opened = new Promise((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("close", (code) => reject(new Error(`console closed: ${code}`)));
    });
  }

  async until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline)
        throw new Error(
          `Timed out waiting for ${what}; controls ${JSON.stringify(this.controls)}, closed ${JSON.stringify(this.closed)}, output ${JSON.stringify(this.output.slice(-400))}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  type(text: string) {
    this.ws.send(Buffer.from(text, "utf8"), { binary: true });
  }
}

async function openTerm(
  client: PortalClient,
  machineId: string,
  kind: "exec" | "ssh",
  viewOnly = false,
): Promise<Term> {
  const t = await client.json<{ url: string }>(`/api/machines/${machineId}/console`, {
    method: "POST",
    json: { kind, viewOnly },
  });
  if (t.status !== 201) throw new Error(`ticket: ${t.status} ${JSON.stringify(t.body)}`);
  const url = inject("portalUrl");
  const term = new Term(
    new WebSocket(`${url.replace(/^http/, "ws")}${t.body.url}`, {
      headers: { origin: url, cookie: client.cookieHeader(), "x-forwarded-for": client.ip },
    }),
  );
  await term.opened;
  return term;
}

type Watchers = { items: { sessionId: string; machineId: string; by: string; viewOnly: boolean }[] };

describe("shared terminals", () => {
  let admin: PortalClient;
  let student: PortalClient;
  let machineId: string;

  beforeAll(async () => {
    await requireAssets("docker");
    admin = await signedInAdmin();
    await ensureHosts(admin);
    const templateId = await createContainerTemplate(admin);
    const s = await signedIn("STUDENT");
    student = s.client;
    const created = await admin.json<{ job: { id: string }; machines: { id: string }[] }>("/api/machines", {
      method: "POST",
      json: { templateId, name: "shared term", ownerId: s.user.id },
    });
    expect(created.status).toBe(202);
    expect((await waitForJob(admin, created.body.job.id)).status).toBe("SUCCEEDED");
    machineId = created.body.machines[0]?.id as string;
    await admin.json(`/api/machines/${machineId}/start`, { method: "POST", json: {} });
    await waitForState(admin, machineId, "RUNNING");
  }, 180_000);

  afterAll(async () => {
    if (!machineId) return;
    await admin.json(`/api/machines/${machineId}`, { method: "DELETE" });
    await waitFor(
      "delete",
      () => admin.fetch(`/api/machines/${machineId}`).then((r) => r.status),
      (s) => s === 404,
      60_000,
    );
  }, 90_000);

  it("exec: a watcher sees the student's own shell, cannot type, and a take-over types into it", async () => {
    // a watcher before the student opened a terminal is told so, and no shell is started for it
    const early = await openTerm(admin, machineId, "exec", true);
    await early.until("the no-terminal status", () =>
      early.controls.some((c) => c.type === "status" && /no terminal open/.test(c.message ?? "")),
    );
    expect(early.output).toBe("");

    const own = await openTerm(student, machineId, "exec");
    own.ws.send(JSON.stringify({ type: "resize", cols: 100, rows: 30 }));
    await own.until("the prompt", () => /[#$] $/.test(own.output));
    own.type("echo before-$((6*7))\n");
    await own.until("the student's output", () => own.output.includes("before-42"));
    // the early watcher attached when the student's shell started
    await early.until("the student's output on the early watcher", () => early.output.includes("before-42"));
    early.ws.close();

    // a watcher who comes later gets the current screen replayed, then the live output
    const feed = await eventFeed(student);
    const watcher = await openTerm(admin, machineId, "exec", true);
    await watcher.until(
      "the replayed screen",
      () => watcher.controls.some((c) => c.type === "replay") && watcher.output.includes("before-42"),
    );
    expect(watcher.controls).toContainEqual({ type: "size", cols: 100, rows: 30 });
    own.type("echo live-$((7*8))\n");
    await watcher.until("the student's live output", () => watcher.output.includes("live-56"));

    // view-only: the watcher's keystrokes and resizes never reach the shell
    watcher.type("echo watcher-$((2*21))x\n");
    watcher.ws.send(JSON.stringify({ type: "resize", cols: 40, rows: 10 }));
    await new Promise((r) => setTimeout(r, 1000));
    own.type("stty size\n");
    await own.until("the size", () => own.output.includes("30 100"));
    expect(own.output).not.toContain("watcher-42x");
    expect(watcher.output).not.toContain("watcher-42x");

    // the student can see who watches: from the API (a page opened now) and from the live events
    const list = await student.json<Watchers>("/api/me/watchers");
    expect(list.status).toBe(200);
    const entry = list.body.items.find((w) => w.machineId === machineId);
    expect(entry?.viewOnly).toBe(true);
    expect(entry?.by).toBeTruthy();
    expect((await admin.json<Watchers>("/api/me/watchers")).body.items.some((w) => w.machineId === machineId)).toBe(
      false,
    );

    // someone who takes over (here the admin) types into the student's shell
    const takeover = await openTerm(admin, machineId, "exec");
    await takeover.until("the replayed screen", () => takeover.output.includes("live-56"));
    takeover.type("echo takeover-$((8*9))\n");
    await own.until("the take-over's keystrokes in the student's terminal", () => own.output.includes("takeover-72"));
    await watcher.until("the take-over on the watcher's screen", () => watcher.output.includes("takeover-72"));

    // watchers leave: the student's banner data ends
    watcher.ws.close();
    takeover.ws.close();
    await waitFor(
      "the stopped-watching events",
      async () =>
        feed.events.filter(
          (e: FeedEvent) => e.type === "console.watching" && e.data.open === false && e.data.machineId === machineId,
        ).length,
      (n) => n >= 2,
      10_000,
    );
    await waitFor(
      "no watchers left",
      () =>
        student
          .json<Watchers>("/api/me/watchers")
          .then((r) => r.body.items.filter((w) => w.machineId === machineId).length),
      (n) => n === 0,
      10_000,
    );
    feed.close();

    // the student's shell is still the same one
    own.type("echo still-$((5*5))\n");
    await own.until("the shell still there", () => own.output.includes("still-25"));
    own.type("exit 4\n");
    await own.until("the shell to end", () => own.closed !== null);
    expect(own.controls.at(-1)).toEqual({ type: "exit", code: 4 });
  }, 120_000);

  it("ssh: a watcher attaches to the student's authenticated session without a password", async () => {
    await requireAssets("docker");
    // sshd in the container may still be starting: retry a refused connection for a while
    let own: Term;
    const deadline = Date.now() + 30_000;
    for (;;) {
      own = await openTerm(student, machineId, "ssh");
      const t = own;
      await t.until(
        "a password prompt or a close",
        () => t.controls.some((c) => c.type === "auth") || t.closed !== null,
      );
      if (t.controls.some((c) => c.type === "auth")) break;
      if (t.closed?.code !== 4502 || Date.now() > deadline)
        throw new Error(`SSH console closed: ${JSON.stringify(t.closed)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    own.ws.send(JSON.stringify({ type: "auth", password: "student" }));
    await own.until("the shell's first output", () => own.output.length > 0);
    own.type("echo ssh-before-$((6*7))\n");
    await own.until("the student's output", () => own.output.includes("ssh-before-42"));

    const watcher = await openTerm(admin, machineId, "ssh", true);
    await watcher.until("the replayed screen", () => watcher.output.includes("ssh-before-42"));
    own.type("echo ssh-live-$((7*8))\n");
    await watcher.until("the live output", () => watcher.output.includes("ssh-live-56"));
    watcher.type("echo ssh-watcher-$((2*21))x\n");
    await new Promise((r) => setTimeout(r, 1000));
    expect(own.output).not.toContain("ssh-watcher-42x");

    const takeover = await openTerm(admin, machineId, "ssh");
    takeover.type("echo ssh-takeover-$((8*9))\n");
    await own.until("the take-over's keystrokes", () => own.output.includes("ssh-takeover-72"));
    // nobody but the student was ever asked for the password
    expect(watcher.controls.some((c) => c.type === "auth")).toBe(false);
    expect(takeover.controls.some((c) => c.type === "auth")).toBe(false);
    for (const t of [watcher, takeover, own]) t.ws.close();
  }, 90_000);
});
