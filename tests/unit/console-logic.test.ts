// Pure pieces of the console path: offered kinds, file names, the SPICE password encryption, the byte reader
// used for handshakes, and VNC's DES response (checked against a known vector).
import { constants, generateKeyPairSync, privateDecrypt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { wsCloseMessage } from "@/lib/errors";
import { encryptSpicePassword } from "@/server/console/spice-link";
import { offeredKinds } from "@/server/console/tickets";
import { ByteReader, vncResponse } from "@/server/console/vnc-auth";
import { fileNameFor } from "@/server/console/vv-file";

describe("console helpers", () => {
  it("offers only the kinds a machine of that kind can have", () => {
    expect(offeredKinds("LIBVIRT", "vnc,spice,ssh,exec,rdp")).toEqual(["vnc", "spice", "ssh"]);
    expect(offeredKinds("DOCKER", "vnc,exec,ssh")).toEqual(["exec", "ssh"]);
    expect(offeredKinds("DOCKER", "")).toEqual([]);
  });

  it("names downloaded files safely", () => {
    expect(fileNameFor("Web lab 1", "vv")).toBe("Web_lab_1.vv");
    expect(fileNameFor("../../etc/passwd", "vv")).toBe("etc_passwd.vv");
    expect(fileNameFor('a"; rm -rf /', "rdp")).toBe("a_rm_-rf.rdp");
    expect(fileNameFor("", "vv")).toBe("machine.vv");
  });

  it("encrypts the SPICE password so only the display's private key reads it", () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const der = publicKey.export({ type: "spki", format: "der" });
    expect(der.length).toBe(162);
    const sealed = encryptSpicePassword(der, "s3cretPw");
    expect(sealed.length).toBe(128);
    const plain = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, sealed);
    expect(plain.toString("utf8")).toBe("s3cretPw\0");
  });

  it("answers a VNC challenge like every VNC client (DES with bit-reversed key bytes)", async () => {
    // known answer from OpenSSL's DES (legacy provider): key = "password" with each byte's bits reversed
    // (0e86ceceeef64e26), des-ecb, no padding, over this challenge
    const challenge = Buffer.from("00112233445566778899aabbccddeeff", "hex");
    const response = await vncResponse("password", challenge);
    expect(response.toString("hex")).toBe("b7b9c87777661a7a2299733209bfdfce");
    expect((await vncResponse("passwore", challenge)).equals(response)).toBe(false);
  });

  it("reads exact byte counts across chunks, and fails waiting readers when the stream ends", async () => {
    const r = new ByteReader();
    const first = r.read(5);
    r.push(Buffer.from("ab"));
    r.push(Buffer.from("cdefg"));
    expect((await first).toString()).toBe("abcde");
    expect(r.rest().toString()).toBe("fg");
    const pending = r.read(3);
    r.fail(new Error("gone"));
    await expect(pending).rejects.toThrow("gone");
  });

  it("has words for every console close code", () => {
    for (const code of [4461, 4462, 4463, 4464, 4465, 4466, 4467, 4468, 4469, 4502, 4401, 4408]) expect(wsCloseMessage(code)).toBeTruthy();
    expect(wsCloseMessage(4462)).toMatch(/expired/);
  });
});
