// The portal's own OpenVPN PKI: a CA (EC P-256), the server certificate, the tls-crypt key, client certificates
// and the CRL, made with @peculiar/x509 on Node's WebCrypto. Files live in DATA_DIR/vpn/: certificates in PEM,
// private keys and the tls-crypt key sealed with SECRETS_KEY (src/server/crypto/seal.ts).
import "reflect-metadata";
import { createHash, generateKeyPairSync, randomBytes, webcrypto } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as x509 from "@peculiar/x509";
import { env } from "@/env";
import { withLock } from "@/server/cluster/lock";
import { seal, unseal } from "@/server/crypto/seal";

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

const EC = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY = 86_400_000;
export const SERVER_CN = "lab-portal-vpn-server";

export function pkiDir(): string {
  return join(resolve(env().DATA_DIR), "vpn");
}

export type Pki = {
  caPem: string;
  caCert: x509.X509Certificate;
  caKey: CryptoKey;
  serverCertPem: string;
  serverKeyPem: string;
  tlsCryptKey: string;
};

/** Writes a file through a temporary name and a rename, so readers (OpenVPN) never see half of it. */
export function writeAtomic(file: string, content: string, mode = 0o600): void {
  const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, file);
}

/** A positive 128-bit serial as upper-case hex (the first byte below 0x80 keeps the DER integer positive). */
export function newSerial(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 1) & 0x7f) | 0x01;
  return b.toString("hex").toUpperCase();
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(EC, true, ["sign", "verify"])) as CryptoKeyPair;
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

async function importKey(pem: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("pkcs8", x509.PemConverter.decode(pem)[0] as ArrayBuffer, EC, false, ["sign"]);
}

/** OpenVPN's static key file format (2048 bits as 16 lines of hex), used for tls-crypt. */
export function newTlsCryptKey(): string {
  const hex = randomBytes(256).toString("hex");
  const lines = hex.match(/.{32}/g) ?? [];
  return [
    "#",
    "# 2048 bit OpenVPN static key (tls-crypt), made by Lab Portal",
    "#",
    "-----BEGIN OpenVPN Static key V1-----",
    ...lines,
    "-----END OpenVPN Static key V1-----",
    "",
  ].join("\n");
}

/** DER prefix of every P-256 SubjectPublicKeyInfo (algorithm id-ecPublicKey + prime256v1, then the BIT STRING header). */
const P256_SPKI_PREFIX = Buffer.from("3059301306072a8648ce3d020106082a8648ce3d030107034200", "hex");

/**
 * A client key pair made with Node's synchronous EC key generation (several times faster than WebCrypto's
 * round trip through the thread pool): the public key as SPKI DER, its key identifier (RFC 5280 4.2.1.2 method 1:
 * SHA-1 of the subjectPublicKey bits) and the private key as PKCS#8 PEM.
 */
function clientKeys(): { spki: Buffer; keyId: string; keyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  if (spki.length !== 91 || !spki.subarray(0, 26).equals(P256_SPKI_PREFIX))
    throw new Error("Unexpected P-256 public key encoding");
  const keyId = createHash("sha1").update(spki.subarray(26)).digest("hex");
  return { spki, keyId, keyPem: privateKey.export({ type: "pkcs8", format: "pem" }) as string };
}

/** A leaf certificate signed by the CA: the server's (serverAuth) or a client's (clientAuth). */
async function leafCert(
  ca: { cert: x509.X509Certificate; key: CryptoKey },
  cn: string,
  key: { publicKey: CryptoKey | Uint8Array<ArrayBuffer>; ski: x509.SubjectKeyIdentifierExtension },
  days: number,
  usage: "server" | "client",
  serial = newSerial(),
) {
  const now = Date.now();
  return x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: `CN=${cn}`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + days * DAY),
    signingAlgorithm: SIGN,
    publicKey: key.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        usage === "server"
          ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement
          : x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([
        usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
      ]),
      key.ski,
      await caAki(ca.cert),
    ],
  });
}

async function createPki(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKeys = await keyPair();
  const caName = `CN=Lab Portal VPN CA ${randomBytes(4).toString("hex")}`;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: caName,
    notBefore: new Date(Date.now() - 5 * 60_000),
    notAfter: new Date(Date.now() + 20 * 365 * DAY),
    signingAlgorithm: SIGN,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const serverKeys = await keyPair();
  const serverCert = await leafCert(
    { cert: caCert, key: caKeys.privateKey },
    SERVER_CN,
    { publicKey: serverKeys.publicKey, ski: await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey) },
    10 * 365,
    "server",
  );
  writeAtomic(join(dir, "server.crt"), serverCert.toString("pem"), 0o644);
  writeAtomic(join(dir, "server.key.sealed"), seal(await pkcs8Pem(serverKeys.privateKey)));
  writeAtomic(join(dir, "tls-crypt.key.sealed"), seal(newTlsCryptKey()));
  writeAtomic(join(dir, "ca.key.sealed"), seal(await pkcs8Pem(caKeys.privateKey)));
  // the CA certificate last: its presence means the whole set is there
  writeAtomic(join(dir, "ca.crt"), caCert.toString("pem"), 0o644);
}

const globalForPki = globalThis as unknown as { __labVpnPki?: { dir: string; pki: Promise<Pki> } };

async function loadPki(dir: string): Promise<Pki> {
  const read = (name: string) => readFileSync(join(dir, name), "utf8");
  const caPem = read("ca.crt");
  return {
    caPem,
    caCert: new x509.X509Certificate(caPem),
    caKey: await importKey(unseal(read("ca.key.sealed"))),
    serverCertPem: read("server.crt"),
    serverKeyPem: unseal(read("server.key.sealed")),
    tlsCryptKey: unseal(read("tls-crypt.key.sealed")),
  };
}

/** The PKI, created on first use (one process at a time) and kept in memory afterwards. */
export function pki(): Promise<Pki> {
  const dir = pkiDir();
  const cached = globalForPki.__labVpnPki;
  if (cached && cached.dir === dir) return cached.pki;
  const loading = withLock("vpn-pki", async () => {
    if (!existsSync(join(dir, "ca.crt"))) await createPki(dir);
    return loadPki(dir);
  });
  globalForPki.__labVpnPki = { dir, pki: loading };
  loading.catch(() => {
    if (globalForPki.__labVpnPki?.pki === loading) globalForPki.__labVpnPki = undefined;
  });
  return loading;
}

export type IssuedCert = { serial: string; certPem: string; keyPem: string; notAfter: Date };

const globalForAki = globalThis as unknown as {
  __labVpnAki?: { ca: x509.X509Certificate; ext: x509.AuthorityKeyIdentifierExtension };
};

/** The CA's authority key identifier extension, computed once per CA. */
async function caAki(ca: x509.X509Certificate): Promise<x509.AuthorityKeyIdentifierExtension> {
  const cached = globalForAki.__labVpnAki;
  if (cached && cached.ca === ca) return cached.ext;
  const ext = await x509.AuthorityKeyIdentifierExtension.create(ca);
  globalForAki.__labVpnAki = { ca, ext };
  return ext;
}

/** A client certificate (EC P-256, clientAuth) for one common name. */
export async function issueClientCert(cn: string, days: number, serial = newSerial()): Promise<IssuedCert> {
  const p = await pki();
  const keys = clientKeys();
  const cert = await leafCert(
    { cert: p.caCert, key: p.caKey },
    cn,
    { publicKey: Uint8Array.from(keys.spki), ski: new x509.SubjectKeyIdentifierExtension(keys.keyId) },
    days,
    "client",
    serial,
  );
  return { serial, certPem: cert.toString("pem"), keyPem: keys.keyPem, notAfter: cert.notAfter };
}

export type CrlEntry = {
  serial: string;
  revokedAt: Date;
  reason: "superseded" | "cessationOfOperation" | "unspecified" | "keyCompromise";
};

/** A CRL signed by the CA, valid for `days`. */
export async function buildCrl(
  entries: CrlEntry[],
  days: number,
  now = new Date(),
): Promise<{ pem: string; nextUpdate: Date }> {
  const p = await pki();
  const nextUpdate = new Date(now.getTime() + days * DAY);
  const crl = await x509.X509CrlGenerator.create({
    issuer: p.caCert.subject,
    thisUpdate: new Date(now.getTime() - 5 * 60_000),
    nextUpdate,
    signingAlgorithm: SIGN,
    signingKey: p.caKey,
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(p.caCert)],
    entries: entries.map((e) => ({
      serialNumber: e.serial,
      revocationDate: e.revokedAt,
      reason: x509.X509CrlReason[e.reason],
    })),
  });
  // OpenSSL (and so OpenVPN) reads "X509 CRL" PEM blocks only
  return { pem: x509.PemConverter.encode(crl.rawData, "X509 CRL"), nextUpdate };
}

/** nextUpdate of a CRL in PEM, or null when it cannot be read. */
export function crlNextUpdate(pem: string): Date | null {
  try {
    return new x509.X509Crl(pem).nextUpdate ?? null;
  } catch {
    return null;
  }
}

/** Refresh once less than half of the CRL's lifetime is left (or it is missing or unreadable). */
export function crlNeedsRefresh(nextUpdate: Date | null, now: Date, days: number): boolean {
  if (!nextUpdate) return true;
  return nextUpdate.getTime() - now.getTime() < (days * DAY) / 2;
}
