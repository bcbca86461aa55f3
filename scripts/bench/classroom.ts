// `npm run bench:classroom`: a class of 30 on one box, through a real production portal (fresh SQLite database)
// and real Docker containers from the tiny test template (labportal/test-ssh:latest, sshd; 1 vCPU, 128 MiB).
// Measures, per student, the time from the join request (POST /api/invites/{code}/join) to the student's
// machine running (GET /api/machines/{id} says RUNNING), in two scenarios:
//   pool    — the class was deployed with a pre-provisioned pool of N machines: the join claims a stopped pool
//             machine, the student starts it at once (the pool refills itself in the background meanwhile,
//             as it does in production);
//   no pool — poolSize 0: the join creates the student's machine (a deploy job); the student starts it as soon
//             as it is STOPPED (created).
// Students join BENCH_CLASSROOM_CONCURRENCY at a time (a worker takes the next student as soon as its previous
// one is running); each student is polled every BENCH_CLASSROOM_POLL_MS, so times are ± one poll interval.
// Then publish: with the N students of the no-pool class enrolled, their machines and the teacher's stopped,
// the time from POST /api/classes/{id}/publish to the publish job finishing (the teacher's container committed
// as the new base, every student's container committed as a kept disk and re-created), with per-item status.
// Both classes are deleted through the API (DELETE /api/classes/{id}?confirmMachines=n) and the portal stopped,
// also after a failure or Ctrl-C; whatever the deletion leaves on Docker (containers, class networks, class
// and kept images) is swept and reported. Prints a table, then, last, one JSON line.
// Needs a production build (built automatically when .next/BUILD_ID is missing) and Docker with the test
// image (scripts/setup-services.sh docker assets). Only loopback traffic; every wait is bounded.
// Knobs: BENCH_CLASSROOM_N (30 students, 1–100), BENCH_CLASSROOM_CONCURRENCY (5 joins at once),
// BENCH_CLASSROOM_POLL_MS (150), BENCH_CLASSROOM_STUDENT_TIMEOUT_S (300, join → running per student),
// BENCH_CLASSROOM_JOB_TIMEOUT_S (900, class deploy / publish / delete jobs). The portal runs with the production
// defaults for its background loops (30 s) and jobs (JOB_CONCURRENCY, default 4, passed through when set).
import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { hashPassword } from "../../src/server/auth/passwords";
import { createDb } from "../../src/server/db/client";
import { dockerTestImage } from "../../tests/support/assets";
import { PortalClient } from "../../tests/support/client";
import { removeMachinesOf } from "../../tests/support/host-cleanup";
import { createContainerTemplate, ensureHosts } from "../../tests/support/machines";
import { type PortalProcess, startPortal, TEST_ADMIN } from "../../tests/support/portal-process";
import { prepareBuild, removeSnapshot } from "./build-snapshot";

function knob(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}.`);
  return value;
}

const N = knob("BENCH_CLASSROOM_N", 30, 1, 100); // poolSize allows at most 100
const CONCURRENCY = Math.min(N, knob("BENCH_CLASSROOM_CONCURRENCY", 5, 1, 100));
const POLL_MS = knob("BENCH_CLASSROOM_POLL_MS", 150, 20, 5_000);
const STUDENT_TIMEOUT_MS = knob("BENCH_CLASSROOM_STUDENT_TIMEOUT_S", 300, 10, 3_600) * 1000;
const JOB_TIMEOUT_MS = knob("BENCH_CLASSROOM_JOB_TIMEOUT_S", 900, 30, 7_200) * 1000;
const JOB_CONCURRENCY = process.env.JOB_CONCURRENCY || "4"; // the portal's default; only reported
const PASSWORD = "bench-password-123";
const RUN_ID = Date.now().toString(36);

type Machine = { id: string; name: string; state: string; stateDetail: string | null; role: string };
type JobItem = { label: string; machineId: string | null; status: string; error: string | null };
type Job = {
  id: string;
  status: string;
  total: number;
  done: number;
  failed: number;
  error: string | null;
  items: JobItem[];
};
type ClassRow = {
  id: string;
  status: string;
  statusDetail: string | null;
  students: number;
  poolReady: number;
  teacherMachineId: string | null;
};
type Roster = {
  items: { user: { id: string; email: string }; machine: Machine | null }[];
  teacherMachine: Machine | null;
  pool: Machine[];
};
type Stats = { n: number; p50: number; p95: number; max: number; mean: number };
type Sample = {
  total: number;
  join: number;
  ready: number;
  startCall: number;
  running: number;
  fromPool: boolean;
  machineId: string;
};
type ScenarioResult = {
  label: "pool" | "no pool";
  classId: string;
  deploySeconds: number;
  poolReady: number;
  samples: Sample[];
  wallSeconds: number;
};

const log = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const seconds = (ms: number) => ms / 1000;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length); // nearest-rank
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1)!, mean };
}

function requireDocker(): void {
  try {
    execFileSync("docker", ["image", "inspect", dockerTestImage()], { stdio: "ignore", timeout: 30_000 });
  } catch {
    throw new Error(
      `Docker or the test image ${dockerTestImage()} is missing. Run: bash scripts/setup-services.sh docker assets`,
    );
  }
}

// ── API helpers ────────────────────────────────────────────────────────────────────────────────────────────

async function call<T>(
  client: PortalClient,
  what: string,
  path: string,
  init: RequestInit & { json?: unknown },
  expected: number[],
): Promise<T> {
  const res = await client.json<T>(path, init);
  if (!expected.includes(res.status))
    throw new Error(
      `${what}: ${init.method ?? "GET"} ${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 600)}`,
    );
  return res.body;
}

/** Polls fn every `everyMs` until done(value) or the deadline; throws with the last value on timeout. */
async function until<T>(
  what: string,
  fn: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  everyMs = POLL_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}; last: ${JSON.stringify(value).slice(0, 600)}`,
      );
    await sleep(everyMs);
  }
}

const getMachine = (client: PortalClient, id: string) =>
  call<Machine>(client, "machine", `/api/machines/${id}`, {}, [200]);
const getJob = (client: PortalClient, id: string) => call<Job>(client, "job", `/api/jobs/${id}`, {}, [200]);
const finished = (j: Job) => !["PENDING", "RUNNING"].includes(j.status);

function waitJob(client: PortalClient, id: string, what: string): Promise<Job> {
  return until(what, () => getJob(client, id), finished, JOB_TIMEOUT_MS, 250);
}

function itemCounts(job: Job): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of job.items) counts[item.status] = (counts[item.status] ?? 0) + 1;
  return counts;
}

function jobFailures(job: Job): string {
  return job.items
    .filter((i) => i.status === "FAILED")
    .slice(0, 5)
    .map((i) => `${i.label}: ${i.error}`)
    .join("; ");
}

/** Runs fn over items with at most `limit` at once; the first failure stops new items from starting. */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failure: Error | null = null;
  const worker = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (error) {
        failure ??= error as Error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure;
  return out;
}

// ── the run ────────────────────────────────────────────────────────────────────────────────────────────────

type Student = { email: string; client: PortalClient };

/** The teacher and N students, straight in the database (one argon2 hash shared), then signed in. */
async function seedPeople(
  portal: PortalProcess,
): Promise<{ teacher: PortalClient; students: Student[]; warmup: Student }> {
  const db = createDb(portal.databaseUrl);
  const passwordHash = await hashPassword(PASSWORD);
  const person = (role: "TEACHER" | "STUDENT", i: number) => {
    const email = `${role.toLowerCase()}-${String(i).padStart(3, "0")}@bench.local`;
    const name = `${role === "TEACHER" ? "Teacher" : "Student"} ${i}`;
    return { email, name, role, searchText: `${email} ${name}`.toLowerCase(), passwordHash };
  };
  try {
    await db.user.createMany({
      data: [person("TEACHER", 1), ...Array.from({ length: N + 1 }, (_, i) => person("STUDENT", i + 1))],
    });
  } finally {
    await db.$disconnect();
  }
  const signIn = async (email: string) => {
    const client = new PortalClient(portal.url);
    const error = await client.signIn(email, PASSWORD);
    if (error) throw new Error(`sign-in as ${email} failed: ${error}`);
    return client;
  };
  const teacher = await signIn(person("TEACHER", 1).email);
  const all = await pool(
    Array.from({ length: N + 1 }, (_, i) => person("STUDENT", i + 1).email),
    4,
    async (email) => ({ email, client: await signIn(email) }),
  );
  return { teacher, students: all.slice(0, N), warmup: all[N]! };
}

/** Every limit of the Student plan raised, so only the class (not the plan) bounds what students do. */
async function raiseStudentPlan(admin: PortalClient): Promise<void> {
  const plans = await call<{ items: { id: string; defaultFor: string | null }[] }>(
    admin,
    "plans",
    "/api/admin/plans",
    {},
    [200],
  );
  const student = plans.items.find((p) => p.defaultFor === "STUDENT");
  if (!student) throw new Error("no default plan for students (GET /api/admin/plans)");
  await call(
    admin,
    "raise the Student plan",
    `/api/admin/plans/${student.id}`,
    {
      method: "PATCH",
      json: { maxMachines: 1000, maxRunning: 1000, maxVcpus: 10_000, maxMemoryMb: 10_000_000, maxDiskGb: 100_000 },
    },
    [200],
  );
}

const classIds = new Set<string>(); // every class this run created and has not deleted yet
const createdClassIds: string[] = []; // every class this run created, for the Docker sweep
const machineIds = new Set<string>(); // every machine id seen, for the Docker sweep

async function createClass(
  teacher: PortalClient,
  templateId: string,
  label: string,
  poolSize: number,
): Promise<{ cls: ClassRow; deploySeconds: number }> {
  const t0 = performance.now();
  const created = await call<{ class: ClassRow; job: Job }>(
    teacher,
    "create the class",
    "/api/classes",
    {
      method: "POST",
      json: {
        name: `Bench ${label} ${RUN_ID}`,
        templateId,
        poolSize,
        maxStudents: N,
        hoursPerStudent: 10,
        idleMinutes: 0,
      },
    },
    [202],
  );
  classIds.add(created.class.id);
  createdClassIds.push(created.class.id);
  const job = await waitJob(teacher, created.job.id, `the deploy job of class ${label}`);
  const deploySeconds = seconds(performance.now() - t0);
  for (const item of job.items) if (item.machineId) machineIds.add(item.machineId);
  if (job.status !== "SUCCEEDED")
    throw new Error(`deploying class ${label}: job ${job.status} (${job.error ?? jobFailures(job)})`);
  const cls = await call<ClassRow>(teacher, "class", `/api/classes/${created.class.id}`, {}, [200]);
  if (cls.status !== "READY")
    throw new Error(`class ${label} is ${cls.status} after its deploy job succeeded (${cls.statusDetail})`);
  if (cls.poolReady !== poolSize)
    throw new Error(`class ${label}: ${cls.poolReady} pool machines ready after the deploy job, expected ${poolSize}`);
  return { cls, deploySeconds };
}

/** One student: join → (machine created) → start → RUNNING, every step timed from the join request. */
async function joinAndRun(student: Student, code: string): Promise<Sample> {
  const t0 = performance.now();
  const deadline = Date.now() + STUDENT_TIMEOUT_MS;
  const left = () => Math.max(1, deadline - Date.now());
  const joined = await call<{ machine: Machine | null; job: Job | null; alreadyEnrolled: boolean }>(
    student.client,
    `join as ${student.email}`,
    `/api/invites/${code}/join`,
    { method: "POST" },
    [201],
  );
  const tJoin = performance.now();
  if (!joined.machine)
    throw new Error(`join as ${student.email} returned no machine (job ${joined.job?.id ?? "none"})`);
  const id = joined.machine.id;
  machineIds.add(id);
  const settled = (m: Machine) => m.state === "STOPPED" || m.state === "FAILED" || m.state === "RUNNING";
  let m = joined.machine;
  if (!settled(m))
    m = await until(`${student.email}'s machine to be created`, () => getMachine(student.client, id), settled, left());
  if (m.state === "FAILED") throw new Error(`${student.email}'s machine failed: ${m.stateDetail}`);
  const tReady = performance.now();
  let tStartCall = tReady;
  if (m.state !== "RUNNING") {
    for (;;) {
      const res = await student.client.json<{ error?: { code: string; message: string } }>(
        `/api/machines/${id}/start`,
        { method: "POST", json: {} },
      );
      tStartCall = performance.now();
      if (res.status === 202 || res.status === 200) break;
      // the machine row may still be settling (e.g. a reconciler pass): retry while time is left
      if (res.status !== 409 || Date.now() > deadline)
        throw new Error(`start as ${student.email}: ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
      await sleep(POLL_MS);
    }
    m = await until(
      `${student.email}'s machine to run`,
      () => getMachine(student.client, id),
      (x) => x.state === "RUNNING" || x.state === "FAILED" || x.state === "STOPPED",
      left(),
    );
    if (m.state !== "RUNNING")
      throw new Error(`${student.email}'s machine did not start: ${m.state} (${m.stateDetail})`);
  }
  const tRunning = performance.now();
  return {
    total: seconds(tRunning - t0),
    join: seconds(tJoin - t0),
    ready: seconds(tReady - tJoin),
    startCall: seconds(tStartCall - tReady),
    running: seconds(tRunning - tReady),
    fromPool: joined.job === null,
    machineId: id,
  };
}

/**
 * Not measured: one class with a pool of 1, one extra student joins and starts, the class is deleted. The first
 * call of each route in a fresh production server loads its code; without this the first scenario pays for it.
 */
async function warmUp(teacher: PortalClient, student: Student, templateId: string): Promise<void> {
  const { cls } = await createClass(teacher, templateId, "warm-up", 1);
  const invite = await call<{ code: string }>(
    teacher,
    "invite",
    `/api/classes/${cls.id}/invites`,
    { method: "POST", json: { label: "warm-up" } },
    [201],
  );
  const sample = await joinAndRun(student, invite.code);
  await stopStudents(teacher, cls.id);
  await deleteClass(teacher, cls.id);
  log(
    `warm-up (not counted): a class with a pool of 1, one student join→running ${sample.total.toFixed(2)} s, deleted`,
  );
}

async function scenario(
  label: "pool" | "no pool",
  teacher: PortalClient,
  students: Student[],
  templateId: string,
): Promise<ScenarioResult> {
  log(
    `\n── ${label}: class of ${N}, ${label === "pool" ? `pool of ${N}` : "no pool"}, ${CONCURRENCY} joins at once ─────────────`,
  );
  const { cls, deploySeconds } = await createClass(
    teacher,
    templateId,
    label === "pool" ? "pool" : "nopool",
    label === "pool" ? N : 0,
  );
  log(
    `class deployed in ${deploySeconds.toFixed(1)} s (teacher's machine${label === "pool" ? ` + ${cls.poolReady} pool machines` : ""})`,
  );
  const invite = await call<{ code: string }>(
    teacher,
    "invite",
    `/api/classes/${cls.id}/invites`,
    { method: "POST", json: { label: "bench", expiresInDays: 1 } },
    [201],
  );
  const t0 = performance.now();
  const samples = await pool(students, CONCURRENCY, async (s, i) => {
    const sample = await joinAndRun(s, invite.code);
    log(
      `  ${String(i + 1).padStart(3)}  ${s.email}  join→running ${sample.total.toFixed(2)} s  (join ${sample.join.toFixed(2)}, create ${sample.ready.toFixed(2)}, start→running ${sample.running.toFixed(2)})${sample.fromPool ? "  [pool]" : ""}`,
    );
    return sample;
  });
  const wallSeconds = seconds(performance.now() - t0);
  const distinct = new Set(samples.map((s) => s.machineId)).size;
  if (distinct !== N) throw new Error(`${N} students got ${distinct} distinct machines`);
  const after = await call<ClassRow>(teacher, "class", `/api/classes/${cls.id}`, {}, [200]);
  if (after.students !== N) throw new Error(`the class says ${after.students} students after ${N} joins`);
  return { label, classId: cls.id, deploySeconds, poolReady: cls.poolReady, samples, wallSeconds };
}

async function roster(teacher: PortalClient, classId: string): Promise<Roster> {
  return call<Roster>(teacher, "roster", `/api/classes/${classId}/roster`, {}, [200]);
}

function classMachines(r: Roster): Machine[] {
  return [
    ...(r.teacherMachine ? [r.teacherMachine] : []),
    ...r.items.flatMap((i) => (i.machine ? [i.machine] : [])),
    ...r.pool,
  ];
}

const TRANSITIONAL = ["PROVISIONING", "STARTING", "STOPPING", "REBOOTING", "REVERTING", "DELETING"];

/** Stops every running student machine (as the teacher, CONCURRENCY at once) and waits until all are STOPPED. */
async function stopStudents(teacher: PortalClient, classId: string): Promise<number> {
  const r = await roster(teacher, classId);
  const running = r.items.flatMap((i) => (i.machine && i.machine.state === "RUNNING" ? [i.machine] : []));
  await pool(running, CONCURRENCY, (m) =>
    call(teacher, `stop ${m.name}`, `/api/machines/${m.id}/stop`, { method: "POST", json: {} }, [200, 202]),
  );
  await until(
    "the student machines to stop",
    () => roster(teacher, classId),
    (x) => x.items.every((i) => i.machine?.state === "STOPPED") && x.teacherMachine?.state === "STOPPED",
    JOB_TIMEOUT_MS,
    500,
  );
  return running.length;
}

async function publish30(
  teacher: PortalClient,
  classId: string,
): Promise<{ seconds: number; job: Job; stopped: number }> {
  log("\n── publish: stopping the students' machines first …");
  const stopped = await stopStudents(teacher, classId);
  log(`stopped ${stopped} machines; publishing …`);
  const t0 = performance.now();
  const { job: started } = await call<{ job: Job }>(
    teacher,
    "publish",
    `/api/classes/${classId}/publish`,
    { method: "POST", json: {} },
    [202],
  );
  const job = await until("the publish job", () => getJob(teacher, started.id), finished, JOB_TIMEOUT_MS);
  const s = seconds(performance.now() - t0);
  log(
    `publish job ${job.status} in ${s.toFixed(1)} s: ${JSON.stringify(itemCounts(job))}${job.failed ? ` — ${jobFailures(job)}` : ""}`,
  );
  return { seconds: s, job, stopped };
}

/** Deletes a class through the API once nothing in it is mid-change (the pool may still be refilling). */
async function deleteClass(teacher: PortalClient, classId: string): Promise<number> {
  const t0 = performance.now();
  const quiet = await until(
    "the class's machines to settle",
    () => roster(teacher, classId),
    (r) => classMachines(r).every((m) => !TRANSITIONAL.includes(m.state)),
    JOB_TIMEOUT_MS,
    500,
  );
  for (const m of classMachines(quiet)) machineIds.add(m.id);
  let count = classMachines(quiet).length;
  for (let attempt = 1; ; attempt++) {
    const res = await teacher.json<{
      job: Job | null;
      error?: { code: string; message: string; fields?: { confirmMachines?: string } };
    }>(`/api/classes/${classId}?confirmMachines=${count}`, { method: "DELETE" });
    if (res.status === 202) {
      if (res.body.job) {
        const job = await waitJob(teacher, res.body.job.id, `the delete job of class ${classId}`);
        if (job.status !== "SUCCEEDED")
          throw new Error(`deleting class ${classId}: job ${job.status} (${job.error ?? jobFailures(job)})`);
      }
      break;
    }
    // the roster does not list every machine (e.g. a FAILED pool refill): the refusal names the real number
    const real = Number(res.body.error?.fields?.confirmMachines);
    if (res.status !== 409 || !Number.isInteger(real) || attempt >= 3)
      throw new Error(`DELETE class ${classId}: ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
    log(`  (the roster listed ${count} machines, the portal counts ${real}; deleting with ${real})`);
    count = real;
  }
  await until(
    "the class to be gone",
    () => teacher.json(`/api/classes/${classId}`),
    (r) => r.status === 404,
    60_000,
    500,
  );
  classIds.delete(classId);
  return seconds(performance.now() - t0);
}

function quietDocker(args: string[]): string {
  try {
    return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60_000 });
  } catch {
    return "";
  }
}

/**
 * What the API deletion left on Docker for this run's classes and machines: containers (lp-<machine>), class
 * networks (lpc-<last 10 of the class id>), class base images (labportal/class-<id>) and kept disks
 * (labportal/kept:lp-kept-<machine>-v<n>). Removes them and says what it found.
 */
function sweepDocker(allClassIds: string[]): string[] {
  const found: string[] = [];
  const containers = new Set(quietDocker(["ps", "-a", "--format", "{{.Names}}"]).split("\n").filter(Boolean));
  for (const id of machineIds) {
    if (containers.has(`lp-${id}`)) {
      found.push(`container lp-${id}`);
      quietDocker(["rm", "-f", "-v", `lp-${id}`]);
    }
  }
  const networks = new Set(quietDocker(["network", "ls", "--format", "{{.Name}}"]).split("\n").filter(Boolean));
  const images = quietDocker(["images", "--format", "{{.Repository}}:{{.Tag}}"]).split("\n").filter(Boolean);
  for (const classId of allClassIds) {
    const net = `lpc-${classId.slice(-10)}`;
    if (networks.has(net)) {
      found.push(`network ${net}`);
      quietDocker(["network", "rm", net]);
    }
    for (const image of images.filter((i) => i.startsWith(`labportal/class-${classId.toLowerCase()}:`))) {
      found.push(`image ${image}`);
      quietDocker(["rmi", "-f", image]);
    }
  }
  for (const image of images.filter((i) => i.startsWith("labportal/kept:"))) {
    if ([...machineIds].some((id) => image.includes(`lp-kept-${id}-`))) {
      found.push(`image ${image}`);
      quietDocker(["rmi", "-f", image]);
    }
  }
  return found;
}

function printTable(results: ScenarioResult[], publish: { seconds: number; job: Job } | null): void {
  const header = ["scenario", "measure", "n", "p50 s", "p95 s", "max s", "mean s"];
  const rows: string[][] = [];
  for (const r of results) {
    const series: [string, (s: Sample) => number][] = [
      ["join → running", (s) => s.total],
      ["  join request", (s) => s.join],
      ...(r.label === "no pool"
        ? ([["  machine created", (s: Sample) => s.ready]] as [string, (s: Sample) => number][])
        : []),
      ["  start → running", (s) => s.running],
    ];
    for (const [name, pick] of series) {
      const st = stats(r.samples.map(pick));
      rows.push([
        r.label,
        name,
        String(st.n),
        st.p50.toFixed(2),
        st.p95.toFixed(2),
        st.max.toFixed(2),
        st.mean.toFixed(2),
      ]);
    }
  }
  if (publish) {
    const s = publish.seconds.toFixed(2);
    rows.push([
      "publish",
      `POST publish → job ${publish.job.status.toLowerCase()}`,
      String(publish.job.items.filter((i) => i.machineId).length),
      s,
      s,
      s,
      s,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  log("");
  log(line(header));
  log(widths.map((w) => "─".repeat(w)).join("  "));
  for (const row of rows) log(line(row));
  log("");
  for (const r of results) {
    const pooled = r.samples.filter((s) => s.fromPool).length;
    log(
      `  ${r.label.padEnd(7)} class deployed in ${r.deploySeconds.toFixed(1)} s (pool ready: ${r.poolReady}); ${N} students in ${r.wallSeconds.toFixed(1)} s wall; ${pooled}/${N} got a pool machine`,
    );
  }
  if (publish)
    log(
      `  publish items: ${JSON.stringify(itemCounts(publish.job))} (1 class base + ${publish.job.items.filter((i) => i.machineId).length} student machines)`,
    );
  log(
    `  (Docker template ${dockerTestImage()}, 1 vCPU / 128 MiB; ${CONCURRENCY} students at once; polled every ${POLL_MS} ms; JOB_CONCURRENCY ${JOB_CONCURRENCY}; SQLite; loopback, wall time from this process)`,
  );
}

let portal: PortalProcess | null = null;
let teacherClient: PortalClient | null = null;
let leftovers: string[] = [];

let cleaning: Promise<{ swept: string[]; errors: string[] }> | null = null;
/** Deletes the classes still there, stops the portal, sweeps Docker; once (a signal and main's finally share it). */
function cleanUp(): Promise<{ swept: string[]; errors: string[] }> {
  cleaning ??= doCleanUp();
  return cleaning;
}

async function doCleanUp(): Promise<{ swept: string[]; errors: string[] }> {
  const errors: string[] = [];
  if (portal && teacherClient) {
    for (const id of [...classIds]) {
      try {
        await deleteClass(teacherClient, id);
      } catch (error) {
        errors.push(`class ${id}: ${(error as Error).message}`);
      }
    }
  }
  if (portal) {
    await removeMachinesOf(portal.databaseUrl).catch(() => 0); // containers of machines the database still has
    const code = await portal.stop();
    if (code !== 0 && code !== null) errors.push(`the portal exited with code ${code}`);
    portal = null;
  }
  const swept = sweepDocker(createdClassIds);
  removeSnapshot();
  return { swept, errors };
}

async function main(): Promise<void> {
  requireDocker();
  const distDir = await prepareBuild("npm run bench:classroom", log);
  log(`bench:classroom — ${N} students, ${CONCURRENCY} joining at once, Docker template ${dockerTestImage()}`);
  process.env.TEST_DATABASE = "sqlite";
  // production cadence for the background loops (startPortal's test defaults poll every 2–5 s)
  portal = await startPortal({
    mode: "production",
    env: {
      NEXT_DIST_DIR: distDir,
      HOST_PROBE_SECONDS: "30",
      RECONCILE_SECONDS: "30",
      METER_SECONDS: "30",
      MACHINE_STOP_TIMEOUT_SECONDS: "60",
      LOGIN_MAX_FAILURES_IP: "100000",
    },
  });
  log(`portal up at ${portal.url} (SQLite, data in ${portal.dataDir})`);
  const results: ScenarioResult[] = [];
  let publish: Awaited<ReturnType<typeof publish30>> | null = null;
  const deleteSeconds: Record<string, number> = {};
  try {
    const admin = new PortalClient(portal.url);
    const adminError = await admin.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
    if (adminError) throw new Error(`admin sign-in failed: ${adminError}`);
    await ensureHosts(admin);
    const templateId = await createContainerTemplate(admin, `tiny-test-${RUN_ID}`);
    await raiseStudentPlan(admin);
    const { teacher, students, warmup } = await seedPeople(portal);
    teacherClient = teacher;
    log(`hosts registered, template ${templateId} (DOCKER, ${dockerTestImage()}), 1 teacher + ${N} students signed in`);

    await warmUp(teacher, warmup, templateId);

    const pooled = await scenario("pool", teacher, students, templateId);
    results.push(pooled);
    // the pooled class goes before the next scenario, so its running machines and refills do not load it
    deleteSeconds.pool = await deleteClass(teacher, pooled.classId);
    log(`class "pool" deleted in ${deleteSeconds.pool.toFixed(1)} s`);

    const plain = await scenario("no pool", teacher, students, templateId);
    results.push(plain);
    publish = await publish30(teacher, plain.classId);
    deleteSeconds.nopool = await deleteClass(teacher, plain.classId);
    log(`class "no pool" deleted in ${deleteSeconds.nopool.toFixed(1)} s`);
  } catch (error) {
    console.error(`portal output (last 4000 chars):\n${portal?.output().slice(-4000)}`);
    throw error;
  } finally {
    const { swept, errors } = await cleanUp();
    if (swept.length)
      log(
        `clean-up: the class deletions left ${swept.length} thing(s) on Docker, removed now: ${swept.slice(0, 8).join(", ")}${swept.length > 8 ? ", …" : ""}`,
      );
    for (const e of errors) console.error(`clean-up: ${e}`);
    leftovers = swept;
  }

  printTable(results, publish);
  const [pool, plain] = results as [ScenarioResult, ScenarioResult];
  const total = (r: ScenarioResult) => stats(r.samples.map((s) => s.total));
  const out: Record<string, unknown> = {
    join_to_running_p95_s_pool: round(total(pool).p95),
    join_to_running_p95_s_nopool: round(total(plain).p95),
    publish30_s: round(publish!.seconds),
    join_to_running_p50_s_pool: round(total(pool).p50),
    join_to_running_p50_s_nopool: round(total(plain).p50),
    join_to_running_mean_s_pool: round(total(pool).mean),
    join_to_running_mean_s_nopool: round(total(plain).mean),
    join_to_running_max_s_pool: round(total(pool).max),
    join_to_running_max_s_nopool: round(total(plain).max),
    join_request_p95_s_pool: round(stats(pool.samples.map((s) => s.join)).p95),
    join_request_p95_s_nopool: round(stats(plain.samples.map((s) => s.join)).p95),
    start_to_running_p95_s_pool: round(stats(pool.samples.map((s) => s.running)).p95),
    start_to_running_p95_s_nopool: round(stats(plain.samples.map((s) => s.running)).p95),
    n_pool: pool.samples.length,
    n_nopool: plain.samples.length,
    from_pool: pool.samples.filter((s) => s.fromPool).length,
    deploy_s_pool: round(pool.deploySeconds),
    deploy_s_nopool: round(plain.deploySeconds),
    wall_s_pool: round(pool.wallSeconds),
    wall_s_nopool: round(plain.wallSeconds),
    publish_status: publish!.job.status,
    publish_items: itemCounts(publish!.job),
    publish_n: publish!.job.items.filter((i) => i.machineId).length,
    delete_s_pool: round(deleteSeconds.pool ?? Number.NaN),
    delete_s_nopool: round(deleteSeconds.nopool ?? Number.NaN),
    leftovers_swept: leftovers.length,
    template_kind: "DOCKER",
    template_image: dockerTestImage(),
    concurrency: CONCURRENCY,
    poll_ms: POLL_MS,
    job_concurrency: Number(JOB_CONCURRENCY),
    db: "sqlite",
  };
  log(JSON.stringify(out));
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: cleaning up (classes, portal, containers) …`);
    cleanUp().finally(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  (error) => {
    removeSnapshot();
    console.error(
      `✗ bench:classroom failed: ${(error as Error).message}${(error as Error).cause ? ` (cause: ${String((error as { cause?: unknown }).cause)})` : ""}`,
    );
    if (process.env.BENCH_DEBUG) console.error(error);
    process.exit(1);
  },
);
