// Checking an uploaded disk image before anything opens it with its own format: the format is detected from the
// file's first bytes (never by qemu-img's probing, which would follow a vmdk's extents or a qcow2's data file),
// a qcow2 header that names another file (backing file, external data file) is refused before qemu-img reads it,
// then `qemu-img info -f <format> -U` double-checks the same, and the upload is rewritten by
// `qemu-img convert -f <format> -O qcow2` into a self-contained image that is checked once more.
import { open, rm, stat } from "node:fs/promises";
import { invalid } from "@/server/http/app-error";
import { CommandError, run } from "@/server/providers/exec";

export type DetectedFormat = "qcow2" | "raw";

/** Formats qemu could open that the portal refuses, by their magic bytes (offset, bytes). */
const OTHER_FORMATS: { name: string; offset: number; magic: string }[] = [
  { name: "vmdk", offset: 0, magic: "KDMV" },
  { name: "vmdk", offset: 0, magic: "COWD" },
  { name: "vmdk", offset: 0, magic: "# Disk DescriptorFile" },
  { name: "vhdx", offset: 0, magic: "vhdxfile" },
  { name: "vpc (vhd)", offset: 0, magic: "conectix" },
  { name: "qed", offset: 0, magic: "QED\0" },
  { name: "luks", offset: 0, magic: "LUKS\xba\xbe" },
  { name: "parallels", offset: 0, magic: "WithoutFreeSpace" },
  { name: "parallels", offset: 0, magic: "WithouFreSpacExt" },
  { name: "bochs", offset: 0, magic: "Bochs Virtual HD Image" },
  { name: "cloop", offset: 0, magic: "#!/bin/sh\n#V2.0 Format" },
  { name: "vdi", offset: 0x40, magic: "\x7f\x10\xda\xbe" },
];

const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);
/** qcow2 incompatible feature bit 2: the guest data lives in an external data file. */
const QCOW2_INCOMPAT_DATA_FILE = 4n;

function refuse(reason: string): never {
  throw invalid({ file: reason }, reason);
}

/** Reads the header and says which format the file is; refuses other formats and qcow2 headers naming other files. */
export async function detectImageFormat(path: string): Promise<DetectedFormat> {
  const fh = await open(path, "r");
  const head = Buffer.alloc(512);
  let got = 0;
  try {
    got = (await fh.read(head, 0, head.length, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  const bytes = head.subarray(0, got);
  if (bytes.length >= 4 && bytes.subarray(0, 4).equals(QCOW2_MAGIC)) {
    if (bytes.length < 72) refuse("The qcow2 image is damaged or truncated.");
    const version = bytes.readUInt32BE(4);
    if (version !== 2 && version !== 3)
      refuse(`This qcow2 image has version ${version}; only qcow2 versions 2 and 3 are accepted.`);
    const backingOffset = bytes.readBigUInt64BE(8);
    const backingSize = bytes.readUInt32BE(16);
    if (backingOffset !== 0n || backingSize !== 0)
      refuse(
        "This qcow2 image depends on another file (a backing file). Upload a standalone image (qemu-img convert -O qcow2 in.qcow2 out.qcow2).",
      );
    if (version === 3) {
      if (bytes.length < 80) refuse("The qcow2 image is damaged or truncated.");
      const incompatible = bytes.readBigUInt64BE(72);
      if (incompatible & QCOW2_INCOMPAT_DATA_FILE)
        refuse(
          "This qcow2 image keeps its data in an external file (data-file). Upload a standalone image (qemu-img convert -O qcow2 in.qcow2 out.qcow2).",
        );
    }
    return "qcow2";
  }
  const latin = bytes.toString("latin1");
  for (const f of OTHER_FORMATS) {
    if (latin.startsWith(f.magic, f.offset))
      refuse(`Images must be qcow2 or raw; this one is ${f.name}. Convert it first (qemu-img convert -O qcow2).`);
  }
  return "raw";
}

type QemuInfo = {
  format?: string;
  filename?: string;
  "virtual-size"?: number;
  "backing-filename"?: string;
  "full-backing-filename"?: string;
  "backing-filename-format"?: string;
  encrypted?: boolean;
  "format-specific"?: { type?: string; data?: { "data-file"?: string; "data-file-raw"?: boolean; encrypt?: unknown } };
};

/** `qemu-img info` of a file opened as exactly `format` (no probing, no backing chain, shared lock). */
export async function qemuInfo(path: string, format: DetectedFormat): Promise<QemuInfo> {
  try {
    return JSON.parse(
      (await run("qemu-img", ["info", "--output=json", "-U", "-f", format, path], { timeoutMs: 60_000 })).stdout,
    ) as QemuInfo;
  } catch (error) {
    const text = error instanceof CommandError ? error.stderr.trim().split("\n")[0] : (error as Error).message;
    throw invalid(
      { file: "This file is not a disk image qemu-img can read." },
      `This file is not a disk image qemu-img can read: ${text}`,
    );
  }
}

/** Refuses what `qemu-img info` shows pointing outside the file; returns the virtual size. */
export function checkInfo(info: QemuInfo, format: DetectedFormat): number {
  if (info.format !== format) refuse(`Images must be qcow2 or raw; this one is ${info.format ?? "unknown"}.`);
  if (info["backing-filename"] || info["full-backing-filename"] || info["backing-filename-format"])
    refuse(
      "This qcow2 image depends on another file (a backing file). Upload a standalone image (qemu-img convert -O qcow2 in.qcow2 out.qcow2).",
    );
  const data = info["format-specific"]?.data;
  if (data?.["data-file"] || data?.["data-file-raw"])
    refuse(
      "This qcow2 image keeps its data in an external file (data-file). Upload a standalone image (qemu-img convert -O qcow2 in.qcow2 out.qcow2).",
    );
  if (info.encrypted || data?.encrypt)
    refuse("Encrypted images are not accepted. Upload an unencrypted qcow2 or raw image.");
  if (info.filename && /^[a-z][\w+.-]*:/i.test(info.filename))
    refuse("The image names a protocol instead of a plain file.");
  return Number(info["virtual-size"] ?? 0);
}

/** Rewrites a checked image as a fresh, self-contained qcow2 at `out` and checks the result; removes `out` on failure. */
export async function convertToStandalone(
  path: string,
  format: DetectedFormat,
  out: string,
): Promise<{ virtualSize: number; bytes: number }> {
  try {
    await run("qemu-img", ["convert", "-q", "-f", format, "-O", "qcow2", path, out], { timeoutMs: 30 * 60_000 });
    if ((await detectImageFormat(out)) !== "qcow2") refuse("The converted image is not a qcow2 image.");
    const virtualSize = checkInfo(await qemuInfo(out, "qcow2"), "qcow2");
    return { virtualSize, bytes: (await stat(out)).size };
  } catch (error) {
    await rm(out, { force: true });
    if (error instanceof CommandError) {
      const text = error.stderr.trim().split("\n")[0];
      throw invalid(
        { file: "The image could not be converted into a standalone qcow2 image." },
        `The image could not be converted into a standalone qcow2 image${text ? `: ${text}` : "."}`,
      );
    }
    throw error;
  }
}

type ImageInfo = { format: DetectedFormat; virtualSize: number };

/**
 * Checks an image with qemu-img; throws a 422 with the reason when it is not a usable, self-contained disk. The
 * format comes from the file's header (image-check.ts), never from qemu-img's probing, and a qcow2 that names a
 * backing or data file is refused before qemu-img opens it.
 */
export async function inspectImage(path: string): Promise<ImageInfo> {
  const format = await detectImageFormat(path);
  const virtualSize = checkInfo(await qemuInfo(path, format), format);
  if (format === "qcow2") {
    try {
      await run("qemu-img", ["check", "-q", "-f", "qcow2", path], { timeoutMs: 10 * 60_000 });
    } catch (error) {
      const text = error instanceof CommandError ? error.stderr.trim() : "";
      throw invalid(
        { file: "The qcow2 image is damaged or truncated." },
        `The qcow2 image is damaged or truncated${text ? `: ${text.split("\n")[0]}` : "."}`,
      );
    }
  } else {
    const size = (await stat(path)).size;
    if (size < 1024 * 1024 || size % 512 !== 0)
      throw invalid({ file: "A raw disk image must be a whole number of 512-byte sectors and at least 1 MiB." });
    const fh = await open(path, "r");
    try {
      const buf = Buffer.alloc(2);
      await fh.read(buf, 0, 2, 510);
      if (buf[0] !== 0x55 || buf[1] !== 0xaa)
        throw invalid({ file: "This raw file has no boot sector (MBR/GPT); it is not a bootable disk image." });
    } finally {
      await fh.close();
    }
  }
  return { format, virtualSize };
}
