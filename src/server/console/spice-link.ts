// SPICE through the bridge with the password kept on the server. Each SPICE channel is its own connection and
// starts with a link exchange: the client's SpiceLinkMess, the server's SpiceLinkReply carrying an RSA public
// key, then the client's auth mechanism + 128 bytes of RSA-OAEP(SHA-1)-encrypted password. The page sends any
// 128 bytes; the bridge replaces them with the real per-start password encrypted under the server's key.
import { constants, createPublicKey, publicEncrypt } from "node:crypto";
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import { commonCaps, miniHeaderAgreed } from "./spice-guard";
import { ByteReader } from "./vnc-auth";

const MAGIC = 0x51444552; // "REDQ"
const PUBKEY_BYTES = 162;

export class SpiceLinkError extends Error {}
/** A channel the console may not open (the inputs channel of a view-only console). */
export class SpiceRefused extends Error {}

function wsBytes(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  return Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

export function encryptSpicePassword(publicKeyDer: Buffer, password: string): Buffer {
  const key = createPublicKey({ key: publicKeyDer, format: "der", type: "spki" });
  return publicEncrypt(
    { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
    Buffer.from(`${password}\0`, "utf8"),
  );
}

/** Runs one channel's link exchange; afterwards the caller bridges the two sides as plain bytes. */
export async function proxySpiceLink(
  ws: WebSocket,
  tcp: Socket,
  password: string | null,
  refuseChannel: (channelType: number) => boolean = () => false,
): Promise<{ toServer: Buffer; toClient: Buffer; channelType: number; miniHeader: boolean }> {
  const client = new ByteReader();
  const server = new ByteReader();
  const onWs = (d: Buffer | ArrayBuffer | Buffer[]) => client.push(wsBytes(d));
  const onTcp = (d: Buffer) => server.push(d);
  const onTcpEnd = () =>
    server.fail(new SpiceLinkError("The display closed the connection during the SPICE handshake."));
  const onWsClose = () => client.fail(new SpiceLinkError("The browser left during the SPICE handshake."));
  ws.on("message", onWs);
  ws.on("close", onWsClose);
  tcp.on("data", onTcp);
  tcp.on("end", onTcpEnd);
  tcp.on("error", onTcpEnd);
  ws.resume();
  try {
    const header = await client.read(16, 30_000);
    if (header.readUInt32LE(0) !== MAGIC) throw new SpiceLinkError("The browser did not speak SPICE.");
    const size = header.readUInt32LE(12);
    if (size > 4096) throw new SpiceLinkError("The SPICE link message is too large.");
    const link = await client.read(size, 30_000);
    const channelType = link[4] ?? 0;
    if (refuseChannel(channelType)) throw new SpiceRefused("View only: keyboard and mouse are not connected.");
    tcp.write(Buffer.concat([header, link]));

    const replyHeader = await server.read(16);
    if (replyHeader.readUInt32LE(0) !== MAGIC) throw new SpiceLinkError("The backend is not a SPICE display.");
    const replySize = replyHeader.readUInt32LE(12);
    if (replySize > 65536) throw new SpiceLinkError("The SPICE link reply is too large.");
    const reply = await server.read(replySize);
    ws.send(Buffer.concat([replyHeader, reply]));
    const miniHeader = miniHeaderAgreed(commonCaps(link, "client"), commonCaps(reply, "server"));
    if (reply.readUInt32LE(0) !== 0)
      return { toServer: client.rest(), toClient: server.rest(), channelType, miniHeader };
    const publicKey = reply.subarray(4, 4 + PUBKEY_BYTES);

    const mechanism = await client.read(4, 30_000);
    await client.read(128, 30_000); // whatever the page sent: never used
    tcp.write(Buffer.concat([mechanism, password ? encryptSpicePassword(publicKey, password) : Buffer.alloc(128)]));
    return { toServer: client.rest(), toClient: server.rest(), channelType, miniHeader };
  } finally {
    ws.off("message", onWs);
    ws.off("close", onWsClose);
    tcp.off("data", onTcp);
    tcp.off("end", onTcpEnd);
    tcp.off("error", onTcpEnd);
  }
}
