// Pure logic of the machines domain: placement, reconciliation, state predicates, event parsing, names.
import { describe, expect, it } from "vitest";
import {
  allowed,
  canDelete,
  canOpenConsole,
  canStart,
  MACHINE_STATES,
  parseConsoleKinds,
  refusal,
} from "@/lib/machine-states";
import { blockingLimit, freeScore } from "@/server/hosts/placement";
import { reconcile } from "@/server/machines/reconciler";
import { dockerSubnetFor, mapContainerState } from "@/server/providers/docker/provider";
import { mapDomState, parseEventLine, subnetFor } from "@/server/providers/libvirt/provider";
import { displayPassword, names } from "@/server/providers/types";
import { safeFileName } from "@/server/templates/upload";

const host = {
  name: "h1",
  status: "ONLINE" as const,
  cordoned: false,
  draining: false,
  vcpus: 8,
  memoryMb: 8192,
  diskGb: 100,
  maxMachines: 10,
};
const empty = { vcpus: 0, memoryMb: 0, diskGb: 0, machines: 0 };
const small = { vcpus: 1, memoryMb: 1024, diskGb: 10 };

describe("placement", () => {
  it("names the limit that blocks a host", () => {
    expect(blockingLimit(host, empty, small)).toBeNull();
    expect(blockingLimit({ ...host, status: "OFFLINE" }, empty, small)).toMatch(/offline/);
    expect(blockingLimit({ ...host, cordoned: true }, empty, small)).toMatch(/cordoned/);
    expect(blockingLimit({ ...host, draining: true }, empty, small)).toMatch(/draining/);
    expect(blockingLimit(host, { ...empty, machines: 10 }, small)).toMatch(/maximum of 10 machines/);
    expect(blockingLimit(host, { ...empty, vcpus: 8 }, small)).toMatch(/0 vCPU free \(needs 1\)/);
    expect(blockingLimit(host, { ...empty, memoryMb: 7680 }, small)).toMatch(/512 MiB RAM free \(needs 1 GiB\)/);
    expect(blockingLimit(host, { ...empty, diskGb: 95 }, small)).toMatch(/5 GB disk free/);
  });

  it("prefers the emptier host", () => {
    const busy = { vcpus: 6, memoryMb: 2048, diskGb: 10, machines: 2 };
    expect(freeScore(host, empty, small)).toBeGreaterThan(freeScore(host, busy, small));
  });
});

describe("reconcile", () => {
  it("follows normal power changes without calling them drift", () => {
    expect(reconcile("RUNNING", "running", "h")).toBeNull();
    expect(reconcile("RUNNING", "stopped", "h")).toEqual({
      state: "STOPPED",
      stateDetail: "Shut down from inside the machine.",
    });
    expect(reconcile("STARTING", "running", "h")).toEqual({ state: "RUNNING", stateDetail: null });
    expect(reconcile("UNKNOWN", "stopped", "h")?.state).toBe("STOPPED");
  });

  it("flags changes made behind the portal's back as drift", () => {
    expect(reconcile("STOPPED", "running", "h")?.drift).toMatch(/Started on h outside the portal/);
    const gone = reconcile("STOPPED", "missing", "h");
    expect(gone?.state).toBe("UNKNOWN");
    expect(gone?.drift).toMatch(/Removed on h outside the portal/);
  });

  it("leaves machines the portal is creating or deleting alone", () => {
    expect(reconcile("PROVISIONING", "missing", "h")).toBeNull();
    expect(reconcile("DELETING", "running", "h")).toBeNull();
    expect(reconcile("FAILED", "missing", "h")).toBeNull();
  });
});

describe("state predicates", () => {
  it("agree between buttons and API for every state", () => {
    for (const s of MACHINE_STATES) {
      for (const a of ["start", "stop", "reboot", "revert", "delete", "console"] as const) {
        if (!allowed(a, s)) expect(refusal(a, s).length).toBeGreaterThan(10);
      }
    }
    expect(canStart("STOPPED")).toBe(true);
    expect(canStart("RUNNING")).toBe(false);
    expect(canOpenConsole("RUNNING")).toBe(true);
    expect(canOpenConsole("STOPPED")).toBe(false);
    expect(canDelete("STARTING")).toBe(false);
    expect(canDelete("FAILED")).toBe(true);
    expect(refusal("start", "STARTING")).toMatch(/wait until/);
  });

  it("parses console kinds strictly", () => {
    expect(parseConsoleKinds("vnc, spice,evil,ssh")).toEqual(["vnc", "spice", "ssh"]);
    expect(parseConsoleKinds(null)).toEqual([]);
  });
});

describe("provider helpers", () => {
  it("maps libvirt and Docker states", () => {
    expect(mapDomState("running")).toBe("running");
    expect(mapDomState("in shutdown")).toBe("running");
    expect(mapDomState("shut off")).toBe("stopped");
    expect(mapDomState("paused")).toBe("paused");
    expect(mapContainerState("exited")).toBe("stopped");
    expect(mapContainerState("running")).toBe("running");
  });

  it("parses virsh lifecycle events", () => {
    expect(parseEventLine("event 'lifecycle' for domain 'lp-abc': Started Booted")).toEqual({
      domain: "lp-abc",
      state: "running",
    });
    expect(parseEventLine("event 'lifecycle' for domain 'lp-abc': Stopped Shutdown")).toEqual({
      domain: "lp-abc",
      state: "stopped",
    });
    expect(parseEventLine("event 'lifecycle' for domain 'lp-abc': Undefined Removed")).toEqual({
      domain: "lp-abc",
      state: "missing",
    });
    expect(parseEventLine("event 'lifecycle' for domain 'lp-abc': Defined Added")?.state).toBeNull();
    expect(parseEventLine("garbage")).toBeNull();
  });

  it("derives names and subnets deterministically", () => {
    expect(names.domain("abc")).toBe("lp-abc");
    expect(names.machineIdOf("lp-abc")).toBe("abc");
    expect(names.machineIdOf("lp-tpl-x.qcow2")).toBeNull();
    expect(names.machineIdOf("other")).toBeNull();
    expect(subnetFor("net-a")).toEqual(subnetFor("net-a"));
    expect(subnetFor("net-a").address).toMatch(/^10\.2(0\d|1[0-5])\.\d+\.1$/);
    expect(names.machineIdOf("lp-kept-abc-v1.qcow2")).toBeNull();
    // Docker networks get their own /24 in 10.216.0.0/12 (not Docker's small default pools, not libvirt's range)
    const d = dockerSubnetFor("lpc-abc");
    expect(d).toEqual(dockerSubnetFor("lpc-abc"));
    expect(d.subnet).toMatch(/^10\.(21[6-9]|22\d|23[01])\.\d+\.0\/24$/);
    expect(d.gateway).toBe(d.subnet.replace(".0/24", ".1"));
    expect(dockerSubnetFor("lpc-abc", 1)).not.toEqual(d);
  });

  it("makes 8-character display passwords without look-alikes", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = displayPassword();
      expect(p).toMatch(/^[a-km-np-zA-HJ-NP-Z2-9]{8}$/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });

  it("reduces uploaded file names to a safe path component", () => {
    expect(safeFileName("../../etc/passwd")).toBe("passwd");
    expect(safeFileName("C:\\Users\\x\\disk image.qcow2")).toBe("disk_image.qcow2");
    expect(safeFileName("..hidden")).toBe("hidden");
    expect(safeFileName(null)).toBe("image");
    expect(safeFileName("")).toBe("image");
  });
});
