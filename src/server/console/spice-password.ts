// The SPICE password of a running libvirt machine. At start it is the run's display password (displaySecret,
// shared with VNC). A .vv download sets a fresh one that the display accepts for new connections for
// VV_PASSWORD_SECONDS only (libvirt's passwdValidTo), so a .vv file left in a Downloads folder or mail is
// useless a minute later; remote-viewer's open channels stay connected. The browser console's bridge uses the
// current password while it is still valid for a while, and otherwise sets a fresh one without a limit first.
// Both steps run one at a time per machine, so the database and the display agree on the password.
import { seal, unseal } from "@/server/crypto/seal";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import { type MachineWith, providerAndSpec } from "@/server/machines/machine-core";
import { displayPassword } from "@/server/providers/types";

export const VV_PASSWORD_SECONDS = 60;
/** A .vv password with less validity left than this is replaced before the bridge links with it. */
const BRIDGE_MARGIN_MS = 10_000;
const SPICE_PASSWORD_LENGTH = 16;

const queues = new Map<string, Promise<unknown>>();
function oneAtATime<T>(machineId: string, fn: () => Promise<T>): Promise<T> {
  const before = queues.get(machineId) ?? Promise.resolve();
  const next = before.catch(() => undefined).then(fn);
  queues.set(machineId, next);
  void next.finally(() => queues.get(machineId) === next && queues.delete(machineId)).catch(() => undefined);
  return next;
}

async function setPassword(m: MachineWith, password: string, validTo: Date | null): Promise<void> {
  const { provider } = await providerAndSpec(m);
  if (!provider.setSpicePassword || !m.providerRef) throw new AppError("CONSOLE_UNAVAILABLE", "This machine's SPICE password cannot be changed.");
  await provider.setSpicePassword(m.providerRef, password, validTo);
  await db().machine.update({ where: { id: m.id }, data: { spiceSecret: seal(password), spiceSecretUntil: validTo } });
}

/** A fresh password for a .vv file, accepted for new connections for VV_PASSWORD_SECONDS. */
export function issueVvPassword(m: MachineWith): Promise<{ password: string; validTo: Date }> {
  return oneAtATime(m.id, async () => {
    const password = displayPassword(SPICE_PASSWORD_LENGTH);
    const validTo = new Date(Date.now() + VV_PASSWORD_SECONDS * 1000);
    await setPassword(m, password, validTo);
    return { password, validTo };
  });
}

/** The password the bridge links with: the current one, or a fresh unlimited one when a .vv password runs out. */
export function spicePasswordForBridge(m: MachineWith): Promise<string | null> {
  return oneAtATime(m.id, async () => {
    const now = await db().machine.findUnique({ where: { id: m.id }, select: { displaySecret: true, spiceSecret: true, spiceSecretUntil: true } });
    if (!now?.spiceSecret) return now?.displaySecret ? unseal(now.displaySecret) : null;
    if (!now.spiceSecretUntil || now.spiceSecretUntil.getTime() > Date.now() + BRIDGE_MARGIN_MS) return unseal(now.spiceSecret);
    const password = displayPassword(SPICE_PASSWORD_LENGTH);
    await setPassword(m, password, null);
    return password;
  });
}
