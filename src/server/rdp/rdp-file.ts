// .rdp files for machines whose template offers RDP: the machine's address (reached through the lab VPN, which must
// be on and route the machine's network, or an RD Gateway; else 409 with the sentence the page shows) and the
// template's RDP port, the username prefilled, secure defaults (no drive, printer, smart-card, COM, USB or camera
// redirection; clipboard as the class allows), and the RD Gateway from settings when one is set.

import { ipv4List } from "@/lib/ipv4";
import { parseConsoleKinds } from "@/lib/machine-states";
import { rdpRefusal } from "@/lib/native-downloads";
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { fileNameFor } from "@/server/console/vv-file";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import { loadForActor } from "@/server/machines/machine-core";
import { getVpnSettings } from "@/server/vpn/settings";
import { rdpReach } from "./reach";

export type RdpInput = {
  address: string;
  port: number;
  username: string;
  clipboard: boolean;
  gateway: string;
  title: string;
};

/** One `name:type:value` line; values cannot break the format (no line breaks). */
const s = (name: string, value: string) => `${name}:s:${value.replace(/[\r\n]/g, " ")}`;
const i = (name: string, value: number | boolean) => `${name}:i:${Number(value)}`;

export function rdpFile(r: RdpInput): string {
  const lines = [
    s("full address", `${r.address}:${r.port}`),
    s("username", r.username),
    i("prompt for credentials", 1),
    i("administrative session", 0),
    i("screen mode id", 2),
    i("use multimon", 0),
    i("dynamic resolution", 1),
    i("authentication level", 2),
    i("enablecredsspsupport", 1),
    i("redirectclipboard", r.clipboard),
    i("redirectdrives", 0),
    s("drivestoredirect", ""),
    i("redirectprinters", 0),
    i("redirectsmartcards", 0),
    i("redirectcomports", 0),
    i("redirectposdevices", 0),
    i("redirectwebauthn", 0),
    s("devicestoredirect", ""),
    s("usbdevicestoredirect", ""),
    s("camerastoredirect", ""),
    i("audiocapturemode", 0),
    i("autoreconnection enabled", 1),
    ...(r.gateway
      ? [
          s("gatewayhostname", r.gateway),
          i("gatewayusagemethod", 1),
          i("gatewayprofileusagemethod", 1),
          i("gatewaycredentialssource", 4),
          i("promptcredentialonce", 1),
        ]
      : [s("gatewayhostname", ""), i("gatewayusagemethod", 0)]),
    s("alternate shell", ""),
    s("remoteapplicationname", r.title),
  ];
  return `${lines.join("\r\n")}\r\n`;
}

/** The RDP login: the template's user when it names one, else the machine owner's (or caller's) e-mail local part. */
function usernameFor(templateUser: string | null, ownerEmail: string | null, actorEmail: string): string {
  if (templateUser) return templateUser;
  return (ownerEmail ?? actorEmail).split("@")[0] ?? "";
}

export async function rdpResponse(ctx: Ctx, machineId: string): Promise<Response> {
  const { actor } = ctx;
  const m = await loadForActor(actor, machineId);
  if (!m.template || !parseConsoleKinds(m.template.consoleKinds).includes("rdp")) {
    throw new AppError("CONSOLE_UNAVAILABLE", "This machine's template does not offer Remote Desktop (RDP).");
  }
  const address = ipv4List(m.ipAddresses)[0];
  if (!address) {
    throw new AppError(
      "INVALID_STATE",
      "This machine has no network address yet. Start it, wait until its address shows on the machine's page, then download the .rdp file again.",
    );
  }
  const [klass, settings, reach] = await Promise.all([
    m.classId
      ? db().class.findUnique({ where: { id: m.classId }, select: { rdpClipboard: true } })
      : Promise.resolve(null),
    getVpnSettings(),
    rdpReach(),
  ]);
  const refusal = rdpRefusal(address, reach);
  if (refusal) throw new AppError("CONSOLE_UNAVAILABLE", refusal);
  const text = rdpFile({
    address,
    port: m.template.rdpPort,
    username: usernameFor(m.template.sshUser, m.owner?.email ?? null, actor.email),
    clipboard: klass ? klass.rdpClipboard : true,
    gateway: settings.rdpGateway,
    title: m.name,
  });
  await recordAudit({
    ...ctx,
    action: "console.rdp",
    target: { type: "machine", id: m.id, name: m.name },
    details: { address: `${address}:${m.template.rdpPort}` },
  });
  return new Response(text, {
    headers: {
      "content-type": "application/x-rdp; charset=utf-8",
      "content-disposition": `attachment; filename="${fileNameFor(m.name, "rdp")}"`,
      "cache-control": "no-store",
    },
  });
}
