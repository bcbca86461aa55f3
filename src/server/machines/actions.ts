// Power actions, revert and delete. Each one first moves the machine into a transitional state with a
// conditional update (so two clicks or two users can never run two actions at once), answers 202 at once, and
// finishes in the background; the result reaches pages through the live channel.

import { env } from "@/env";
import type { Machine } from "@/generated/sqlite/client";
import { CLASS_MACHINE_DELETE_REFUSAL, studentClassMachine } from "@/lib/class-machines";
import { allowed, MACHINE_STATES, type MachineAction, refusal } from "@/lib/machine-states";
import { recordAudit } from "@/server/audit/record";
import type { Ctx } from "@/server/auth/ctx";
import { classTeacherIds } from "@/server/auth/permissions";
import { db } from "@/server/db/client";
import { AppError } from "@/server/http/app-error";
import { observeMachineAction } from "@/server/metrics/record";
import { ProviderError } from "@/server/providers/types";
import { type Tx, withQuota } from "@/server/quotas/enforce";
import {
  inFlight,
  loadForActor,
  loadMachine,
  type MachineWith,
  machineInclude,
  machineRow,
  providerAndSpec,
  publishMachine,
  publishMachineDeleted,
} from "./machine-core";
import { removeFromHost } from "./provision";
import type { TMachineRow } from "./routes";
import { startedFields, stoppedFields } from "./run-state";

const TRANSITION: Record<Exclude<MachineAction, "console">, string> = {
  start: "STARTING",
  stop: "STOPPING",
  reboot: "REBOOTING",
  revert: "REVERTING",
  delete: "DELETING",
};

const statesAllowing = (action: MachineAction) => MACHINE_STATES.filter((s) => allowed(action, s));

type Op = (m: MachineWith) => Promise<Partial<Machine>>;

export async function machineAction(
  ctx: Ctx,
  id: string,
  action: "start" | "stop" | "reboot" | "revert" | "delete",
  options: { force?: boolean },
): Promise<TMachineRow> {
  const { actor } = ctx;
  const m = await loadForActor(actor, id);
  // a student's class machine is their seat in the class: Revert is their reset, only the class's teachers delete it
  if (action === "delete" && studentClassMachine(actor, m))
    throw new AppError("FORBIDDEN", CLASS_MACHINE_DELETE_REFUSAL);
  if (!allowed(action, m.state)) throw new AppError("INVALID_STATE", refusal(action, m.state));
  if (action !== "delete" && (!m.template || !m.host))
    throw new AppError("INVALID_STATE", "This machine's template or host was removed; it can only be deleted.");
  if (action !== "delete" && m.host?.status === "OFFLINE")
    throw new AppError(
      "HOST_UNREACHABLE",
      `Host ${m.host?.name} is offline${m.host?.lastError ? `: ${m.host?.lastError}` : ""}.`,
    );
  const to = TRANSITION[action];
  if (inFlight().has(id)) throw new AppError("INVALID_STATE", refusal(action, to));
  inFlight().add(id);
  const claim = (client: Tx) =>
    client.machine.updateMany({
      where: { id, state: { in: statesAllowing(action) } },
      data: { state: to, stateDetail: null },
    });
  // a start counts against the owner's quota (whoever clicks); the check and the claim are one transaction
  const quota =
    action === "start" && m.ownerId
      ? { running: 1, vcpus: m.vcpus, memoryMb: m.memoryMb, hoursFor: { classId: m.classId } }
      : null;
  const claimed = await (quota && m.ownerId ? withQuota(m.ownerId, quota, claim) : claim(db())).catch((error) => {
    inFlight().delete(id);
    throw error;
  });
  if (claimed.count !== 1) {
    inFlight().delete(id);
    const now = await loadMachine(id);
    throw new AppError("INVALID_STATE", refusal(action, now.state));
  }
  await recordAudit({
    ...ctx,
    action: `machine.${action}`,
    target: { type: "machine", id, name: m.name },
    details: options.force ? { force: true } : null,
  });
  const fresh = await loadMachine(id);
  publishMachine(fresh, classTeacherIds(fresh.class));
  runInBackground(fresh, action, options);
  return machineRow(fresh, actor);
}

/**
 * A stop the portal decides on its own (lab hours used up, idle): the same claim, background stop and live
 * update as a user's stop, audited as a system action; `detail` stays as the machine's state detail. Only a
 * RUNNING machine is claimed, so it never races a user's action. Returns false when nothing was claimed.
 */
export async function systemMachineAction(
  id: string,
  action: "stop",
  why: { reason: string; detail: string },
): Promise<boolean> {
  if (inFlight().has(id)) return false;
  const m = await loadMachine(id);
  if (m.state !== "RUNNING" || !m.template || !m.host || m.host.status === "OFFLINE") return false;
  inFlight().add(id);
  const claimed = await db()
    .machine.updateMany({
      where: { id, state: "RUNNING" },
      data: { state: TRANSITION[action], stateDetail: why.detail },
    })
    .catch((error) => {
      inFlight().delete(id);
      throw error;
    });
  if (claimed.count !== 1) {
    inFlight().delete(id);
    return false;
  }
  await recordAudit({
    actor: null,
    action: `machine.${action}`,
    target: { type: "machine", id, name: m.name },
    details: { reason: why.reason },
  });
  const fresh = await loadMachine(id);
  publishMachine(fresh, classTeacherIds(fresh.class));
  runInBackground(fresh, action, { detail: why.detail });
  return true;
}

function runInBackground(
  m: MachineWith,
  action: "start" | "stop" | "reboot" | "revert" | "delete",
  options: { force?: boolean; detail?: string },
) {
  inFlight().add(m.id);
  const ops: Record<typeof action, Op> = {
    start: doStart,
    stop: (x) => doStop(x, options.force, options.detail),
    reboot: doReboot,
    revert: doRevert,
    delete: doDelete,
  };
  void (async () => {
    const started = performance.now();
    try {
      const data = await ops[action](m);
      observeMachineAction(action, m.host?.kind ?? "unknown", "ok", started);
      if (action === "delete") {
        await db().machine.delete({ where: { id: m.id } });
        if (m.role === "INSTALL" && m.templateId) {
          // deleting an installation machine abandons the installation; the ISO stays for another try
          await db().template.updateMany({
            where: { id: m.templateId, installMachineId: m.id },
            data: { installMachineId: null, status: "DRAFT", statusDetail: "The installation machine was deleted." },
          });
        }
        publishMachineDeleted(m, classTeacherIds(m.class));
        return;
      }
      const updated = await db().machine.update({ where: { id: m.id }, data: { ...data, drift: null, driftAt: null } });
      publishMachine(updated, classTeacherIds(m.class));
      if (action === "start" || action === "reboot") void refreshAddresses(m.id);
    } catch (error) {
      observeMachineAction(action, m.host?.kind ?? "unknown", "failed", started);
      const reason = error instanceof ProviderError ? error.message : (error as Error).message;
      const state = await observedState(m).catch(() => "UNKNOWN");
      const verb = { start: "start", stop: "stop", reboot: "restart", revert: "revert", delete: "delete" }[action];
      const updated = await db()
        .machine.update({ where: { id: m.id }, data: { state, stateDetail: `Could not ${verb}: ${reason}` } })
        .catch(() => null);
      if (updated) publishMachine(updated, classTeacherIds(m.class));
    } finally {
      inFlight().delete(m.id);
    }
  })();
}

async function observedState(m: MachineWith): Promise<string> {
  const { provider } = await providerAndSpec(m);
  const s = await provider.state(m.providerRef ?? "");
  return s === "running" ? "RUNNING" : s === "stopped" ? "STOPPED" : s === "missing" ? "FAILED" : "UNKNOWN";
}

const doStart: Op = async (m) => {
  const { provider, spec } = await providerAndSpec(m);
  const { display } = await provider.start(m.providerRef ?? "", spec);
  return { state: "RUNNING", stateDetail: null, ...startedFields(display) };
};

async function doStop(m: MachineWith, force?: boolean, detail?: string): Promise<Partial<Machine>> {
  const { provider } = await providerAndSpec(m);
  const timeout = env().MACHINE_STOP_TIMEOUT_SECONDS;
  const { forced } = await provider.stop(m.providerRef ?? "", { timeoutMs: timeout * 1000, force });
  return {
    state: "STOPPED",
    stateDetail: detail ?? (forced && !force ? `Did not shut down within ${timeout} s and was powered off.` : null),
    ...stoppedFields(),
  };
}

const doReboot: Op = async (m) => {
  const { provider, spec } = await providerAndSpec(m);
  const { display } = await provider.reboot(m.providerRef ?? "", spec, {
    timeoutMs: env().MACHINE_STOP_TIMEOUT_SECONDS * 1000,
  });
  return { state: "RUNNING", stateDetail: null, ...startedFields(display) };
};

const doRevert: Op = async (m) => {
  const { provider, spec } = await providerAndSpec(m);
  const created = await provider.revert(m.providerRef ?? "", spec);
  return {
    state: "STOPPED",
    stateDetail: "Reverted to the template's baseline.",
    // a re-created machine has new SSH host keys: pin again on first use
    sshHostKey: null,
    providerRef: created.ref,
    diskVolume: created.diskVolume,
    ...stoppedFields(),
  };
};

const doDelete: Op = async (m) => {
  await removeFromHost(m.id);
  return {};
};

/** After a start: ask for the guest's addresses for up to a minute (DHCP takes a while). */
async function refreshAddresses(id: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, i === 0 ? 500 : 3000));
    const m = await db().machine.findUnique({ where: { id }, include: machineInclude });
    if (m?.state !== "RUNNING" || !m.host || !m.template) return;
    try {
      const { provider } = await providerAndSpec(m);
      const ips = await provider.addresses(m.providerRef ?? "");
      if (ips.length) {
        const updated = await db().machine.update({ where: { id }, data: { ipAddresses: ips.join(",") } });
        publishMachine(updated, classTeacherIds(m.class));
        return;
      }
    } catch {
      return;
    }
  }
}

/** At start: deletes interrupted by a restart are finished (with other instances alive, only those idle for `olderThanMs`). */
export async function resumeInterruptedDeletes(olderThanMs = 0): Promise<number> {
  const stuck = await db().machine.findMany({
    where: { state: "DELETING", updatedAt: { lt: new Date(Date.now() - olderThanMs) } },
    include: machineInclude,
  });
  for (const m of stuck) runInBackground(m, "delete", {});
  return stuck.length;
}
