// A .vv file for virt-viewer's remote-viewer: the machine's SPICE display (host and port as the host reports
// them), a password of its own that the display accepts for new connections for VV_PASSWORD_SECONDS
// (spice-password.ts; the response's x-password-valid-until says until when), and delete-this-file=1 so remote-viewer removes it after reading. The display must be reachable from the user's computer: the file names the host's
// public console address, else its console address; a host whose consoles listen on loopback only and that has no
// public console address gets a 409 with the sentence the page shows instead of the button (lib/native-downloads.ts).
import { allowed } from "@/lib/machine-states";
import { VV_LOOPBACK_REFUSAL, vvAddress } from "@/lib/native-downloads";
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { AppError } from "@/server/http/app-error";
import { loadForActor } from "@/server/machines/machine-core";
import { issueVvPassword } from "./spice-password";
import { offeredKinds } from "./tickets";

/** A file name from a machine name: letters, digits, dot, dash and underscore only. */
export function fileNameFor(name: string, ext: string): string {
  const base =
    name
      .normalize("NFKD")
      .replace(/[^\w.-]+/g, "_")
      .replace(/^[._]+|[._]+$/g, "")
      .slice(0, 60) || "machine";
  return `${base}.${ext}`;
}

/** One `key=value` line; values must not break the INI-style format. */
const line = (key: string, value: string | number) => `${key}=${String(value).replace(/[\r\n]/g, " ")}`;

export async function vvFile(ctx: Ctx, machineId: string): Promise<Response> {
  const { actor, ip } = ctx;
  const m = await loadForActor(actor, machineId);
  if (!m.template || !offeredKinds(m.kind, m.template.consoleKinds).includes("spice"))
    throw new AppError("CONSOLE_UNAVAILABLE", "This machine does not offer a SPICE console.");
  if (!allowed("console", m.state))
    throw new AppError("MACHINE_NOT_RUNNING", `The machine is ${m.state.toLowerCase()}. Start it first.`);
  if (!m.host || !m.spicePort || !m.displaySecret)
    throw new AppError("CONSOLE_UNAVAILABLE", "The machine's SPICE display is not known yet. Try again in a moment.");
  const address = vvAddress(m.host);
  if (!address) throw new AppError("CONSOLE_UNAVAILABLE", VV_LOOPBACK_REFUSAL);
  // a password of its own, accepted for new connections for a minute only
  const { password, validTo } = await issueVvPassword(m);
  const lines = [
    "[virt-viewer]",
    line("type", "spice"),
    line("title", `${m.name} (Lab Portal)`),
    line("host", address),
    line("port", m.spicePort),
    line("password", password),
    line("delete-this-file", 1),
    line("fullscreen", 0),
    line("toggle-fullscreen", "shift+f11"),
    line("release-cursor", "shift+f12"),
    line("secure-attention", "ctrl+alt+end"),
  ];
  await recordAudit({ actor, action: "console.vv", target: { type: "machine", id: m.id, name: m.name }, ip });
  return new Response(`${lines.join("\r\n")}\r\n`, {
    headers: {
      "content-type": "application/x-virt-viewer",
      "content-disposition": `attachment; filename="${fileNameFor(m.name, "vv")}"`,
      "cache-control": "no-store",
      "x-password-valid-until": validTo.toISOString(),
    },
  });
}
