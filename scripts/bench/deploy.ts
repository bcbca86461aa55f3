// `npm run bench:deploy`: how long a class's worth of machines (25) takes to deploy, start, stop and delete on
// this machine, through the real providers (not a test: it measures, it does not assert).
//   libvirt (qemu:///system, pool "lab-portal"): one template (the test guest image, uploaded with
//     prepareTemplate), 25 machines with qcow2 overlay disks + defined domains, started, stopped, deleted;
//     then the same 25 with full copies of the base image (the comparison the overlays are for).
//   Docker: 25 containers from labportal/test-ssh:latest (running sshd), created+started, stopped, deleted.
// 1 vCPU per machine; 128 MiB per VM, 64 MiB per container. (The test guest's Debian kernel does not fit in
// 64 MiB: at 64 it resets while decompressing and libvirt restarts it in a loop that burns a core per VM, at
// 80 it panics "deadlocked on memory", at 96 it boots; 128 is what the service tests and the KVM probe use.)
// The domain type comes from /var/lib/lab-portal/assets/virt-type (the KVM probe of
// scripts/setup-services.sh assets). Stops are forced (virsh destroy / docker stop -t 0): a graceful
// ACPI shutdown measures the guest's boot progress, not the portal. Everything the run creates is named
// lp-bench-… and removed in `finally`, also after a failure or Ctrl-C. Prints a table, then, last, one JSON line.
// Needs: scripts/setup-services.sh libvirt docker assets. Only local daemons (unix sockets), bounded loops.
// Knobs: BENCH_DEPLOY_N (25), BENCH_DEPLOY_CONCURRENCY (12), BENCH_DEPLOY_VM_MEMORY_MB (128),
// BENCH_TEMPLATE_IMAGE (another bootable qcow2, e.g. a copy of the guest padded to 1 GiB with qemu-io, to
// compare overlays with full copies at a realistic template size: the test guest is only ~10 MiB).
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { mapLimit, run } from "@/server/providers/exec";
import { providerFor } from "@/server/providers/index";
import {
  type HostTarget,
  type MachineProvider,
  type MachineSpec,
  names,
  type TemplateSpec,
} from "@/server/providers/types";

const N = Number(process.env.BENCH_DEPLOY_N ?? 25);
// Provider calls at once (mapLimit), the same for every phase. Tried 2, 4, 8, 12, 16 and 25 on the 2-core
// test machine (TCG, shared with other work, so ±30 % between runs): define25 ≈ 0.8–1.8 s at every value;
// start25 ≈ 16–29 s at 2–4, 12–19 s at 8, 9–11 s at 12–16, 10–14 s at 25; stop25 ≈ 13–26 s at 2–4, 8 s at 8,
// 4–6.5 s at 12–16, 3.5 s at 25. A start or a destroy is mostly waiting (qemu starting up beside guests that
// are booting, libvirtd's monitor round trips), so overlapping more calls helps until the booting guests
// saturate the cores; 12 gives the best start25 with a good stop25.
const CONCURRENCY = Number(process.env.BENCH_DEPLOY_CONCURRENCY ?? 12);
const ASSETS = process.env.LAB_ASSETS_DIR ?? "/var/lib/lab-portal/assets";
/** Another bootable qcow2 for the template (for example a padded copy, to see overlays against full copies of a realistic size). */
const GUEST = process.env.BENCH_TEMPLATE_IMAGE ?? join(ASSETS, "guest.qcow2");
/**
 * Without BENCH_TEMPLATE_IMAGE the template is the guest padded with BENCH_TEMPLATE_MB (256) of written data,
 * so full copies copy what a real template would hold and overlay_speedup means something.
 */
const PAD_MB = process.env.BENCH_TEMPLATE_IMAGE ? 0 : Number(process.env.BENCH_TEMPLATE_MB ?? 256);

async function paddedTemplate(): Promise<string> {
  if (PAD_MB <= 0) return GUEST;
  const path = join(tmpdir(), `lp-bench-template-${RUN_ID}.qcow2`);
  await run("qemu-img", ["convert", "-O", "qcow2", GUEST, path]);
  await run("qemu-img", ["resize", "-q", path, `${64 + PAD_MB}M`]);
  await run("qemu-io", ["-f", "qcow2", "-c", `write -P 0x11 64M ${PAD_MB}M`, path], { timeoutMs: 10 * 60_000 });
  return path;
}
const URI = process.env.BENCH_LIBVIRT_URI ?? "qemu:///system";
const POOL = "lab-portal";
const DOCKER_IMAGE = process.env.TEST_DOCKER_IMAGE ?? "labportal/test-ssh:latest";
const VM_MEMORY_MB = Number(process.env.BENCH_DEPLOY_VM_MEMORY_MB ?? 128);
const CONTAINER_MEMORY_MB = 64;
const VCPUS = 1;
const TARGETS = { define25_s: 2, start25_s: 15 };
const RUN_ID = Date.now().toString(36);
const PREFIX = "bench-"; // machine ids; on the hosts: lp-bench-…
const TEMPLATE_ID = "bench";
const TEMPLATE_VOLUME = names.baseVolume(TEMPLATE_ID); // lp-tpl-bench.qcow2
const SETUP = "bash scripts/setup-services.sh libvirt docker assets";

const log = (line: string) => console.log(line);
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - t0) / 1000, value };
}

function readVirtType(): "kvm" | "qemu" {
  const file = join(ASSETS, "virt-type");
  if (!existsSync(file)) throw new Error(`${file} is missing (the KVM probe writes it). Run: ${SETUP}`);
  const value = readFileSync(file, "utf8").trim();
  if (value !== "kvm" && value !== "qemu")
    throw new Error(`${file} must say "kvm" or "qemu", not ${JSON.stringify(value)}. Run: ${SETUP}`);
  return value;
}

function host(kind: "LIBVIRT" | "DOCKER", virtType: string): HostTarget {
  return {
    id: `bench-${kind.toLowerCase()}`,
    name: `bench ${kind.toLowerCase()}`,
    kind,
    uri: kind === "LIBVIRT" ? URI : "unix:///var/run/docker.sock",
    virtType,
    storagePool: POOL,
    consoleAddress: "127.0.0.1",
    publishAddress: "127.0.0.1",
    tlsDir: null,
  };
}

const baseTemplate = { shell: "/bin/sh", sshPort: 22, rdpPort: 3389, osType: "LINUX", keepDataDisk: false } as const;

function spec(template: TemplateSpec, machineId: string, fullCopy = false): MachineSpec {
  const memoryMb = template.kind === "LIBVIRT" ? VM_MEMORY_MB : CONTAINER_MEMORY_MB;
  return { machineId, name: machineId, vcpus: VCPUS, memoryMb, diskGb: 1, template, fullCopy };
}

/** Set on Ctrl-C/SIGTERM or the first failed call: no new provider calls start after it. */
let halt: string | null = null;
const inFlight = new Set<Promise<unknown>>();

/**
 * mapLimit with CONCURRENCY calls at once that stops taking new items once `halt` is set and tracks the calls
 * still running, so the cleanup can wait for them instead of racing a create that is still under way.
 */
function each<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  return mapLimit(items, CONCURRENCY, (item, index) => {
    if (halt) return Promise.reject(new Error(`stopped: ${halt}`));
    const call = fn(item, index);
    inFlight.add(call);
    void call.then(
      () => inFlight.delete(call),
      (error: Error) => {
        inFlight.delete(call);
        halt ??= `a call failed (${error.message})`;
      },
    );
    return call;
  });
}

type Phases = { define: number; start: number; stop: number; delete: number; running: number; forced: number };

/** define → start → stop (forced) → delete for N machines. */
async function lifecycle(provider: MachineProvider, specs: MachineSpec[]): Promise<Phases> {
  const define = await timed(() => each(specs, (s) => provider.create(s)));
  const refs = define.value.map((c) => c.ref);
  const start = await timed(() => each(specs, (s, i) => provider.start(refs[i] as string, s)));
  const running = (await provider.inventory()).filter((m) => refs.includes(m.ref) && m.state === "running").length;
  const stop = await timed(() => each(refs, (ref) => provider.stop(ref, { force: true })));
  const del = await timed(() => each(specs, (s, i) => provider.delete(refs[i] as string, s)));
  return {
    define: define.seconds,
    start: start.seconds,
    stop: stop.seconds,
    delete: del.seconds,
    running,
    forced: stop.value.filter((r) => r.forced).length,
  };
}

/** Docker: create+start is one phase (a container is "deployed" when it runs), then stop and delete. */
async function dockerLifecycle(provider: MachineProvider, specs: MachineSpec[]) {
  const createStart = await timed(() =>
    each(specs, async (s) => {
      const { ref } = await provider.create(s);
      await provider.start(ref, s);
      return ref;
    }),
  );
  const refs = createStart.value;
  const running = (await provider.inventory()).filter((m) => refs.includes(m.ref) && m.state === "running").length;
  const stop = await timed(() => each(refs, (ref) => provider.stop(ref, { force: true })));
  const del = await timed(() => each(specs, (s, i) => provider.delete(refs[i] as string, s)));
  return { createStart: createStart.seconds, stop: stop.seconds, delete: del.seconds, running };
}

async function poolVolumes(): Promise<string[]> {
  const { stdout } = await run("virsh", ["--quiet", "-c", URI, "vol-list", POOL]).catch(() => ({ stdout: "" }));
  return stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0] ?? "")
    .filter(Boolean);
}

/**
 * Removes every lp-bench-… domain, volume and container (this run's and any left by an interrupted one) and the
 * bench template volume. Collects problems instead of stopping at the first.
 */
async function cleanup(libvirt: MachineProvider, docker: MachineProvider): Promise<string[]> {
  const problems: string[] = [];
  const mine = (machineId: string | null) => Boolean(machineId?.startsWith(PREFIX));
  const stub = (kind: "LIBVIRT" | "DOCKER"): TemplateSpec => ({
    ...baseTemplate,
    id: TEMPLATE_ID,
    kind,
    consoleKinds: [],
  });
  try {
    for (const m of (await libvirt.inventory()).filter((i) => mine(i.machineId))) {
      await libvirt
        .delete(m.ref, { machineId: m.machineId as string, template: stub("LIBVIRT") })
        .catch((e: Error) => problems.push(`${m.ref}: ${e.message}`));
    }
    for (const volume of (await poolVolumes()).filter((v) => v.startsWith(`lp-${PREFIX}`))) {
      await run("virsh", ["--quiet", "-c", URI, "vol-delete", "--pool", POOL, volume]).catch((e: Error) =>
        problems.push(`${volume}: ${e.message}`),
      );
    }
    await libvirt
      .removeTemplate(TEMPLATE_VOLUME)
      .catch((e: Error) => problems.push(`${TEMPLATE_VOLUME}: ${e.message}`));
  } catch (error) {
    problems.push(`libvirt: ${(error as Error).message}`);
  }
  try {
    for (const m of (await docker.inventory()).filter((i) => mine(i.machineId))) {
      await docker
        .delete(m.ref, { machineId: m.machineId as string, template: stub("DOCKER") })
        .catch((e: Error) => problems.push(`${m.ref}: ${e.message}`));
    }
  } catch (error) {
    problems.push(`docker: ${(error as Error).message}`);
  }
  return problems;
}

async function main() {
  if (!existsSync(GUEST)) throw new Error(`No guest image at ${GUEST}. Run: ${SETUP}`);
  const virtType = readVirtType();
  const libvirt = providerFor(host("LIBVIRT", virtType));
  const docker = providerFor(host("DOCKER", virtType));
  let result: Record<string, unknown> = {};
  let templateImage = GUEST;
  const onSignal = (signal: NodeJS.Signals) => {
    halt = `interrupted (${signal})`;
    log(`\n${signal}: finishing the calls under way, then removing the bench machines (again to quit at once) …`);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const [lv, dv] = await Promise.all([libvirt.probe(), docker.probe()]);
    log(
      `libvirt: ${lv.version} on ${URI}, ${lv.vcpus} CPUs, ${lv.memoryMb} MiB; virt type ${virtType}${lv.warnings.length ? ` (${lv.warnings.join(" ")})` : ""}`,
    );
    log(`docker:  ${dv.version}, image ${DOCKER_IMAGE}`);
    log(
      `${N} machines per run, ${VCPUS} vCPU and ${VM_MEMORY_MB} MiB per VM / ${CONTAINER_MEMORY_MB} MiB per container, ${CONCURRENCY} provider calls at once, run id ${RUN_ID}`,
    );
    log(
      "stop = forced (virsh destroy / docker stop -t 0): a graceful shutdown would time the guests' boot, not the portal",
    );

    const leftovers = await cleanup(libvirt, docker);
    if (leftovers.length) log(`warning: could not remove leftovers of an earlier run: ${leftovers.join("; ")}`);

    // The template volume is uploaded fresh each run (so a rebuilt guest image is always the one measured).
    templateImage = await paddedTemplate();
    const upload = await timed(() => libvirt.prepareTemplate({ id: TEMPLATE_ID, imagePath: templateImage }));
    const tpl: TemplateSpec = {
      ...baseTemplate,
      id: TEMPLATE_ID,
      kind: "LIBVIRT",
      volume: upload.value.volume,
      volumeFormat: "qcow2",
      consoleKinds: ["vnc"],
    };
    log(`template: ${upload.value.volume} uploaded in ${round(upload.seconds)} s`);

    const ids = (tag: string) => Array.from({ length: N }, (_, i) => `${PREFIX}${RUN_ID}-${tag}${i + 1}`);
    const ov = await lifecycle(
      libvirt,
      ids("o").map((id) => spec(tpl, id)),
    );
    const fc = await lifecycle(
      libvirt,
      ids("f").map((id) => spec(tpl, id, true)),
    );

    const dockerTemplate: TemplateSpec = {
      ...baseTemplate,
      id: "bench-docker",
      kind: "DOCKER",
      dockerImage: DOCKER_IMAGE,
      dockerCommand: ["/bin/sh", "-c", "mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e"],
      consoleKinds: ["ssh"],
      shell: "/bin/bash",
    };
    await docker.prepareTemplate({ id: dockerTemplate.id, dockerImage: DOCKER_IMAGE });
    const dk = await dockerLifecycle(
      docker,
      ids("d").map((id) => spec(dockerTemplate, id)),
    );

    const s = (v: number) => round(v).toFixed(2).padStart(9);
    log("");
    log(`phase (${N} machines)      overlay  full copy     docker`);
    log(`define / create      ${s(ov.define)}  ${s(fc.define)}          —`);
    log(`start                ${s(ov.start)}  ${s(fc.start)}          —`);
    log(`create + start               —          —  ${s(dk.createStart)}`);
    log(`stop (forced)        ${s(ov.stop)}  ${s(fc.stop)}  ${s(dk.stop)}`);
    log(`delete               ${s(ov.delete)}  ${s(fc.delete)}  ${s(dk.delete)}`);
    log(
      `running after start  ${String(ov.running).padStart(9)}  ${String(fc.running).padStart(9)}  ${String(dk.running).padStart(9)}`,
    );
    log("(seconds for all machines of a phase)");
    const speedup = fc.define / ov.define;
    const imageMib = statSync(templateImage).size / 1024 / 1024;
    log(
      `full copies took ${round(speedup, 1)}× as long to define as overlays, with a ${round(imageMib, 1)} MiB template image`,
    );
    if (imageMib < 100)
      log(
        "  (a template this small copies in no time; BENCH_TEMPLATE_IMAGE=<bigger qcow2> shows the difference at a real size)",
      );
    log(
      `targets: define25 ≤ ${TARGETS.define25_s} s → ${ov.define <= TARGETS.define25_s ? "met" : "MISSED"}, start25 ≤ ${TARGETS.start25_s} s → ${ov.start <= TARGETS.start25_s ? "met" : "MISSED"}`,
    );

    result = {
      bench: "deploy",
      machines: N,
      concurrency: CONCURRENCY,
      vm_memory_mb: VM_MEMORY_MB,
      container_memory_mb: CONTAINER_MEMORY_MB,
      vcpus: VCPUS,
      virt_type: virtType,
      stop_mode: "forced",
      template_image_mib: round(imageMib, 1),
      template_upload_s: round(upload.seconds),
      define25_s: round(ov.define),
      start25_s: round(ov.start),
      stop25_s: round(ov.stop),
      delete25_s: round(ov.delete),
      running_after_start: ov.running,
      define25_fullcopy_s: round(fc.define),
      start25_fullcopy_s: round(fc.start),
      stop25_fullcopy_s: round(fc.stop),
      delete25_fullcopy_s: round(fc.delete),
      overlay_speedup: round(speedup),
      docker25_create_start_s: round(dk.createStart),
      docker25_stop_s: round(dk.stop),
      docker25_delete_s: round(dk.delete),
      docker_running_after_start: dk.running,
      targets: TARGETS,
    };
  } finally {
    await Promise.allSettled([...inFlight]);
    if (templateImage !== GUEST) rmSync(templateImage, { force: true });
    const problems = await cleanup(libvirt, docker);
    if (problems.length) {
      console.error(`cleanup left something behind: ${problems.join("; ")}`);
      process.exitCode = 1;
    } else log("cleanup: no lp-bench-… domains, volumes or containers left");
  }
  if (process.exitCode === 1) throw new Error("cleanup failed (see above)");
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (halt?.startsWith("interrupted")) {
      console.error(`bench:deploy ${halt}; no figures (last error: ${(error as Error)?.message ?? error})`);
      process.exit(130);
    }
    console.error(`bench:deploy failed: ${(error as Error)?.stack ?? error}`);
    process.exit(1);
  },
);
