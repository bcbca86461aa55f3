// The SPICE password of a running libvirt machine. At start it is the run's display password (displaySecret,
// shared with VNC). A .vv download sets one that the display accepts for new connections for
// VV_PASSWORD_SECONDS only (libvirt's passwdValidTo), so a .vv file left in a Downloads folder or mail is
// useless a minute later; remote-viewer's open channels stay connected. A display has one password, so a
// second download while the first file's password is still valid keeps that password and moves its end to a
// minute from now: the first file keeps working (both people may open this machine). The browser console's
// bridge uses the current password while it is still valid for a while, and otherwise sets a fresh one
// without a limit first. Each step holds a cluster lock per machine, so the database and the display agree on
// the password even with several portal instances.

import { withClusterLock } from "@/server/cluster/lock";
import { seal, unseal } from "@/server/crypto/seal";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import { type MachineWith, providerAndSpec } from "@/server/machines/machine-core";
import { displayPassword } from "@/server/providers/types";

export const VV_PASSWORD_SECONDS = 60;
/** A .vv password with less validity left than this is replaced before the bridge links with it. */
const BRIDGE_MARGIN_MS = 10_000;
const SPICE_PASSWORD_LENGTH = 16;

const oneAtATime = <T>(machineId: string, fn: () => Promise<T>): Promise<T> =>
  withClusterLock(`spice-password:${machineId}`, fn);

const current = (machineId: string) =>
  db().machine.findUnique({
    where: { id: machineId },
    select: { displaySecret: true, spiceSecret: true, spiceSecretUntil: true },
  });

async function setPassword(m: MachineWith, password: string, validTo: Date | null): Promise<void> {
  const { provider } = await providerAndSpec(m);
  if (!provider.setSpicePassword || !m.providerRef)
    throw new AppError("CONSOLE_UNAVAILABLE", "This machine's SPICE password cannot be changed.");
  await provider.setSpicePassword(m.providerRef, password, validTo);
  await db().machine.update({ where: { id: m.id }, data: { spiceSecret: seal(password), spiceSecretUntil: validTo } });
}

/** The password for a .vv file, accepted for new connections for VV_PASSWORD_SECONDS from now: the current
 * .vv password while it is still valid (its end moves), otherwise a fresh one. */
export function issueVvPassword(m: MachineWith): Promise<{ password: string; validTo: Date }> {
  return oneAtATime(m.id, async () => {
    const now = await current(m.id);
    const stillValid = now?.spiceSecret && now.spiceSecretUntil && now.spiceSecretUntil.getTime() > Date.now();
    const password = stillValid ? unseal(now.spiceSecret as string) : displayPassword(SPICE_PASSWORD_LENGTH);
    const validTo = new Date(Date.now() + VV_PASSWORD_SECONDS * 1000);
    await setPassword(m, password, validTo);
    return { password, validTo };
  });
}

/** The password the bridge links with: the current one, or a fresh unlimited one when a .vv password runs out. */
export function spicePasswordForBridge(m: MachineWith): Promise<string | null> {
  return oneAtATime(m.id, async () => {
    const now = await current(m.id);
    if (!now?.spiceSecret) return now?.displaySecret ? unseal(now.displaySecret) : null;
    if (!now.spiceSecretUntil || now.spiceSecretUntil.getTime() > Date.now() + BRIDGE_MARGIN_MS)
      return unseal(now.spiceSecret);
    const password = displayPassword(SPICE_PASSWORD_LENGTH);
    await setPassword(m, password, null);
    return password;
  });
}
