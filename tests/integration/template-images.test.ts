// Uploaded disk images that name other files are refused before anything opens them: a qcow2 whose backing
// file is a host file, a qcow2 with an external data file, and other formats (vmdk, a vmdk descriptor naming a
// host file as its extent). Nothing is left in data/uploads or data/images and the template stays a draft; a
// good image is rewritten into a self-contained qcow2 and becomes READY.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { guestImagePath, requireAssets } from "../support/assets";
import type { PortalClient } from "../support/client";
import { signedInAdmin } from "../support/users";

type Err = { error: { code: string; message: string; fields?: Record<string, string> } };
type Tpl = { id: string; status: string; statusDetail: string | null; imageFormat: string | null };

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe("template image uploads", { timeout: 120_000 }, () => {
  let admin: PortalClient;
  let work: string;

  beforeAll(async () => {
    await requireAssets("libvirt");
    admin = await signedInAdmin();
    work = mkdtempSync(join(tmpdir(), "lp-images-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function upload(id: string, body: Buffer<ArrayBuffer>, name: string) {
    return admin.fetch(`/api/templates/${id}/image`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", "x-file-name": name },
      body,
    });
  }

  async function draft(name: string) {
    const res = await admin.json<{ id: string }>("/api/templates", {
      method: "POST",
      json: { name: `${name}-${Date.now().toString(36)}`, kind: "LIBVIRT" },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const qemuImg = (...args: string[]) => execFileSync("qemu-img", args, { cwd: work, stdio: "pipe" });

  it("refuses images that name host files or are not qcow2/raw, leaving nothing behind", async () => {
    const dataDir = inject("dataDir");
    // the data file the qcow2 would read and write: a host file the portal must never touch
    const hostData = join(work, "host-data.raw");
    qemuImg("create", "-q", "-f", "qcow2", "-b", "/etc/passwd", "-F", "raw", "backing.qcow2", "1M");
    qemuImg("create", "-q", "-f", "qcow2", "-o", `data_file=${hostData}`, "datafile.qcow2", "1M");
    writeFileSync(hostData, Buffer.alloc(1024 * 1024, 7)); // after create, which truncates it
    qemuImg("create", "-q", "-f", "vmdk", "disk.vmdk", "1M");
    writeFileSync(
      join(work, "descriptor.vmdk"),
      '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\n\nRW 2048 FLAT "/etc/passwd" 0\n\nddb.virtualHWVersion = "4"\n',
    );
    const cases: { file: string; why: RegExp }[] = [
      { file: "backing.qcow2", why: /depends on another file \(a backing file\)/ },
      { file: "datafile.qcow2", why: /external file \(data-file\)/ },
      { file: "disk.vmdk", why: /must be qcow2 or raw; this one is vmdk/ },
      { file: "descriptor.vmdk", why: /must be qcow2 or raw; this one is vmdk/ },
    ];
    const before = filesUnder(join(dataDir, "images"));
    for (const c of cases) {
      const id = await draft("hostile");
      const res = await upload(id, readFileSync(join(work, c.file)), c.file);
      const body = (await res.json()) as Err;
      expect(res.status, `${c.file}: ${JSON.stringify(body)}`).toBe(422);
      expect(body.error.message).toMatch(c.why);
      expect(body.error.fields?.file).toMatch(c.why);
      const t = await admin.json<Tpl>(`/api/templates/${id}`);
      expect(t.body.status).toBe("DRAFT");
      expect(t.body.statusDetail).toMatch(/Last upload failed/);
      expect(filesUnder(join(dataDir, "uploads"))).toEqual([]);
      expect(filesUnder(join(dataDir, "images")).sort()).toEqual([...before].sort());
      expect((await admin.fetch(`/api/templates/${id}`, { method: "DELETE" })).status).toBe(204);
    }
    // the host's data file was never written
    expect(readFileSync(hostData).equals(Buffer.alloc(1024 * 1024, 7))).toBe(true);
  });

  it("rewrites a good image into a self-contained qcow2 and makes the template READY", async () => {
    const id = await draft("good");
    const res = await upload(id, readFileSync(guestImagePath()), "guest.qcow2");
    expect(res.status, await res.clone().text()).toBe(200);
    const t = await admin.json<Tpl>(`/api/templates/${id}`);
    expect(t.body).toMatchObject({ status: "READY", imageFormat: "qcow2" });
    const stored = join(inject("dataDir"), "images", `tpl-${id}.qcow2`);
    const info = JSON.parse(
      execFileSync("qemu-img", ["info", "--output=json", "-U", "-f", "qcow2", stored]).toString(),
    ) as Record<string, unknown>;
    expect(info["backing-filename"]).toBeUndefined();
    expect((info["format-specific"] as { data: Record<string, unknown> }).data["data-file"]).toBeUndefined();
    expect(filesUnder(join(inject("dataDir"), "uploads"))).toEqual([]);
    expect((await admin.fetch(`/api/templates/${id}`, { method: "DELETE" })).status).toBe(204);
    expect(existsSync(stored)).toBe(false);
  });
});
