// Pure pieces of the console path: offered kinds, file names, the SPICE password encryption, the byte reader
// used for handshakes, and VNC's DES response (checked against a known vector).
import { constants, generateKeyPairSync, privateDecrypt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { wsCloseMessage } from "@/lib/errors";
import { commonCaps, DisplayInitWatch, miniHeaderAgreed } from "@/server/console/spice-guard";
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
    const plain = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
      sealed,
    );
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
    for (const code of [4461, 4462, 4463, 4464, 4465, 4466, 4467, 4468, 4469, 4502, 4401, 4408])
      expect(wsCloseMessage(code)).toBeTruthy();
    expect(wsCloseMessage(4462)).toMatch(/expired/);
  });
});

describe("SPICE display-channel guard", () => {
  const mini = (type: number, body: Buffer) => {
    const h = Buffer.alloc(6);
    h.writeUInt16LE(type, 0);
    h.writeUInt32LE(body.length, 2);
    return Buffer.concat([h, body]);
  };
  const full = (serial: number, type: number, body: Buffer) => {
    const h = Buffer.alloc(18);
    h.writeBigUInt64LE(BigInt(serial), 0);
    h.writeUInt16LE(type, 8);
    h.writeUInt32LE(body.length, 10);
    return Buffer.concat([h, body]);
  };

  it("agrees on the mini header only when both sides offer it", () => {
    const client = Buffer.alloc(22);
    client.writeUInt32LE(1, 6);
    client.writeUInt32LE(18, 14);
    client.writeUInt32LE(0b1011, 18);
    const server = Buffer.alloc(182);
    server.writeUInt32LE(1, 166);
    server.writeUInt32LE(178, 174);
    server.writeUInt32LE(0b1001, 178);
    expect(commonCaps(client, "client")).toEqual([0b1011]);
    expect(miniHeaderAgreed(commonCaps(client, "client"), commonCaps(server, "server"))).toBe(true);
    server.writeUInt32LE(0b0011, 178);
    expect(miniHeaderAgreed(commonCaps(client, "client"), commonCaps(server, "server"))).toBe(false);
    expect(commonCaps(Buffer.alloc(3), "client")).toEqual([]);
  });

  it("sends DISPLAY_INIT for a browser that left before it, and nothing once the browser sent its own", () => {
    const watch = new DisplayInitWatch(true);
    const words = watch.lastWords();
    expect(words?.readUInt16LE(0)).toBe(101);
    expect(words?.readUInt32LE(2)).toBe(14);
    expect(words?.length).toBe(20);
    // an ack (type 1) split over two chunks, then the browser's own DISPLAY_INIT
    const ack = mini(1, Buffer.alloc(0));
    watch.push(ack.subarray(0, 3));
    expect(watch.lastWords()).toBeNull(); // a message is cut: nothing can be appended safely
    watch.push(ack.subarray(3));
    expect(watch.lastWords()).not.toBeNull();
    watch.push(mini(101, Buffer.alloc(14)));
    expect(watch.lastWords()).toBeNull();
  });

  it("numbers the injected message after the browser's with the full header", () => {
    const watch = new DisplayInitWatch(false);
    watch.push(Buffer.concat([full(1, 1, Buffer.alloc(4)), full(2, 3, Buffer.alloc(0))]));
    const words = watch.lastWords();
    expect(words?.readBigUInt64LE(0)).toBe(3n);
    expect(words?.readUInt16LE(8)).toBe(101);
    expect(words?.readUInt32LE(10)).toBe(14);
    expect(words?.length).toBe(32);
  });
});
