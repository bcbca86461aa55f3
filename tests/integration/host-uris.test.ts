// Host URIs cannot run programs: "Test connection" with a libvirt transport or parameter that would make virsh
// start a program answers 422 with the reason on the uri field, and the program never ran.
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { signedInAdmin } from "../support/users";

type Err = { error: { code: string; message: string; fields?: Record<string, string> } };

describe("host connection URIs", () => {
  it("refuses transports and parameters that run programs, before anything runs", async () => {
    const admin = await signedInAdmin();
    const marker = join(tmpdir(), `lp-pwned-${process.pid}-${Date.now()}`);
    rmSync(marker, { force: true });
    const attempts = [
      {
        kind: "LIBVIRT",
        uri: `qemu+ext:///system?command=/usr/bin/touch%20${marker}`,
        why: /transport "qemu\+ext" is not supported/,
      },
      {
        kind: "LIBVIRT",
        uri: `qemu+ssh://localhost/system?command=/usr/bin/touch%20${marker}`,
        why: /parameter "command" is not allowed/,
      },
      {
        kind: "LIBVIRT",
        uri: `qemu+ssh://localhost/system?netcat=/usr/bin/touch%20${marker}`,
        why: /parameter "netcat" is not allowed/,
      },
      {
        kind: "LIBVIRT",
        uri: "qemu+unix:///system?socket=/var/run/docker.sock",
        why: /transport "qemu\+unix" is not supported/,
      },
      { kind: "DOCKER", uri: "unix:///var/run/libvirt/libvirt-sock", why: /Only Docker's own socket/ },
    ];
    for (const a of attempts) {
      for (const path of ["/api/admin/hosts/test", "/api/admin/hosts"]) {
        const res = await admin.json<Err>(path, {
          method: "POST",
          json: {
            name: `evil-${Date.now().toString(36)}`,
            kind: a.kind,
            uri: a.uri,
            vcpus: 1,
            memoryMb: 64,
            diskGb: 1,
            maxMachines: 1,
          },
        });
        expect(res.status, `${path} ${a.uri}: ${JSON.stringify(res.body)}`).toBe(422);
        expect(res.body.error.code).toBe("VALIDATION_FAILED");
        expect(res.body.error.fields?.uri).toMatch(a.why);
      }
    }
    // give a started program time to leave its mark
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(marker)).toBe(false);
    const list = await admin.json<{ items: { name: string }[] }>("/api/admin/hosts");
    expect(list.body.items.some((h) => h.name.startsWith("evil-"))).toBe(false);
  });

  it("still tests a supported local URI", async () => {
    const admin = await signedInAdmin();
    const res = await admin.json<{ ok: boolean; error?: string }>("/api/admin/hosts/test", {
      method: "POST",
      json: { kind: "LIBVIRT", uri: "qemu:///system", virtType: "qemu" },
    });
    expect(res.status).toBe(200);
    expect(res.body.ok, res.body.error).toBe(true);
  });
});
