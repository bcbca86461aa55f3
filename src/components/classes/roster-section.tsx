"use client";

// The roster: each student with their machine (state live from the store), hours used and left this month, the
// last console time and whether a console is open now; start / stop / revert, watching or taking over the
// console, extra hours, removing the student. Then the teacher's own machine and the pre-provisioned pool.
import Link from "next/link";
import { type ReactNode, useState } from "react";
import { consoleHref, offeredKinds } from "@/components/console/console-shared";
import { EmptyState } from "@/components/empty-state";
import { formatDate, StateBadge, specsText } from "@/components/machines/machine-bits";
import { PowerActions } from "@/components/machines/power-actions";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClass } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { ListTable } from "@/components/ui/table";
import { api } from "@/lib/api";
import { canOpenConsole } from "@/lib/machine-states";
import { type MachineRow, useMachinesStore } from "@/stores/machines-store";
import { poolProgressText } from "./class-attention";
import { RecreateMachineButton } from "./recreate-machine";
import { type ClassRow, formatDuration, type Roster, type RosterRow } from "./types";

const TD = "block py-1 align-top md:table-cell md:px-3 md:py-2";

function CellLabel({ children }: { children: ReactNode }) {
  return <span className="mr-1 text-xs font-medium uppercase tracking-wide text-slate-500 md:hidden">{children}</span>;
}

function ConsoleLinks({ machine, who }: { machine: MachineRow; who: string }) {
  const kind = offeredKinds(machine.kind, machine.template?.consoleKinds ?? [])[0];
  if (!kind) return null;
  if (!canOpenConsole(machine.state)) return <span className="text-xs text-slate-500">Console when running</span>;
  return (
    <div className="flex flex-wrap gap-1.5">
      <Link
        href={consoleHref(machine.id, kind, true)}
        className={buttonClass("secondary", "sm")}
        aria-label={`Watch ${who}'s console (view only)`}
        data-testid="roster-watch"
      >
        Watch
      </Link>
      <Link
        href={consoleHref(machine.id, kind)}
        className={buttonClass("secondary", "sm")}
        aria-label={`Take over ${who}'s console`}
        data-testid="roster-take-over"
      >
        Take over
      </Link>
    </div>
  );
}

type Dialog = { kind: "hours"; row: RosterRow } | { kind: "remove"; row: RosterRow } | null;

// The remove dialog's choices for the student's machine.
const REMOVE_CHOICES = [
  { value: "remove", label: "Remove their machine", detail: "It is deleted with everything on it." },
  {
    value: "keep",
    label: "Keep it",
    detail: "The teachers keep the machine to look at the student's work; delete it later from Machines.",
  },
] as const;

const ROSTER_COLUMNS = ["Student", "Machine", "Hours this month", "Console", "Actions"];

export function RosterSection({
  cls,
  roster,
  error,
  reload,
}: {
  cls: ClassRow;
  roster: Roster | null;
  error: string | null;
  reload: () => void;
}) {
  const byId = useMachinesStore((s) => s.byId);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [hours, setHours] = useState("1");
  const [hoursError, setHoursError] = useState<string | null>(null);
  const [keep, setKeep] = useState<"remove" | "keep">("remove");
  const [pending, setPending] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const base = `/api/classes/${encodeURIComponent(cls.id)}/students`;

  function open(next: Exclude<Dialog, null>) {
    setDialog(next);
    setDialogError(null);
    setHoursError(null);
    setHours("1");
    setKeep("remove");
  }

  async function confirm() {
    if (!dialog) return;
    const who = dialog.row.user.name;
    setPending(true);
    setDialogError(null);
    const userPath = `${base}/${encodeURIComponent(dialog.row.user.id)}`;
    if (dialog.kind === "hours") {
      const res = await api<RosterRow>(`${userPath}/hours`, {
        method: "POST",
        json: { hours: hours.trim() === "" ? hours : Number(hours) },
      });
      setPending(false);
      if (!res.ok) {
        const field = res.error.fields?.hours;
        setHoursError(field ?? null);
        if (!field) setDialogError(res.error.message);
        return;
      }
      setNotice(`${who} got ${hours} more hour${hours === "1" ? "" : "s"} this month.`);
    } else {
      const res = await api<null>(`${userPath}?machine=${keep}`, { method: "DELETE" });
      setPending(false);
      if (!res.ok) {
        setDialogError(res.error.message);
        return;
      }
      setNotice(
        keep === "remove"
          ? `${who} was removed from the class; their machine is being deleted.`
          : `${who} was removed from the class; their machine was kept.`,
      );
    }
    setDialog(null);
    reload();
  }

  const teacherMachine = roster?.teacherMachine ? (byId[roster.teacherMachine.id] ?? roster.teacherMachine) : null;
  const poolReady = roster
    ? roster.pool.filter((m) => (byId[m.id] ?? m).state === "STOPPED" || (byId[m.id] ?? m).state === "RUNNING").length
    : cls.poolReady;

  // What both dialogs (grant hours, remove) share: the one pending action, its error, confirm and cancel.
  const dialogProps = { pending, error: dialogError, onConfirm: () => void confirm(), onCancel: () => setDialog(null) };

  return (
    <div className="space-y-6">
      {notice && (
        <Alert tone="success" testId="roster-notice">
          {notice}
        </Alert>
      )}
      {error && (
        <Alert tone="error">
          Could not load the roster: {error}{" "}
          <button type="button" className="font-medium underline" onClick={reload}>
            Try again
          </button>
        </Alert>
      )}
      <section aria-labelledby="roster-heading" className="space-y-3">
        <h2 id="roster-heading" className="text-lg font-semibold">
          Students ({roster?.items.length ?? cls.students} of {cls.maxStudents})
        </h2>
        {!roster && !error && (
          <p role="status" className="text-sm text-slate-600">
            Loading the roster…
          </p>
        )}
        {roster && roster.items.length === 0 && (
          <EmptyState title="No students yet">
            Create an invite link under “Invites” and send it to your students.
          </EmptyState>
        )}
        {roster && roster.items.length > 0 && (
          <ListTable stacked caption={<>Students of {cls.name}</>} columns={ROSTER_COLUMNS} testId="roster-table">
            {roster.items.map((row) => {
              const m = row.machine ? (byId[row.machine.id] ?? row.machine) : null;
              return (
                <tr
                  key={row.user.id}
                  className="block px-3 py-3 md:table-row md:p-0"
                  data-testid={`roster-row-${row.user.email}`}
                >
                  <td className={TD}>
                    <div className="font-medium break-words">{row.user.name}</div>
                    <div className="break-all text-xs text-slate-500">{row.user.email}</div>
                    <div className="text-xs text-slate-500">Joined {formatDate(row.joinedAt)}</div>
                  </td>
                  <td className={TD}>
                    <CellLabel>Machine</CellLabel>
                    {m ? (
                      <>
                        <StateBadge state={m.state} testId="roster-state" />
                        <div className="text-xs text-slate-500">
                          <Link
                            href={`/machines/${encodeURIComponent(m.id)}`}
                            className="text-brand-700 hover:underline"
                          >
                            {m.name}
                          </Link>
                        </div>
                        {m.stateDetail && (
                          <p className="max-w-xs break-words text-xs text-slate-600">{m.stateDetail}</p>
                        )}
                      </>
                    ) : (
                      <span className="text-slate-500">No machine</span>
                    )}
                    {!m && !cls.archivedAt && (
                      <RecreateMachineButton classId={cls.id} user={row.user} onDone={reload} />
                    )}
                  </td>
                  <td className={`${TD} tabular-nums`}>
                    <CellLabel>Hours</CellLabel>
                    {formatDuration(row.hoursUsedSeconds)} used
                    <div className="text-xs text-slate-500">
                      {row.hoursLeftSeconds === null ? "no limit" : `${formatDuration(row.hoursLeftSeconds)} left`}
                    </div>
                  </td>
                  <td className={TD}>
                    <CellLabel>Console</CellLabel>
                    {row.consoleOpen ? (
                      <span className="inline-flex items-center gap-1 text-green-800" data-testid="roster-console-open">
                        <span aria-hidden="true" className="inline-block h-2 w-2 rounded-full bg-green-600" />
                        Open now
                      </span>
                    ) : (
                      <span className="text-slate-600">Closed</span>
                    )}
                    <div className="text-xs text-slate-500">
                      Last: {row.lastConsoleAt ? formatDate(row.lastConsoleAt) : "never"}
                    </div>
                  </td>
                  <td className={`${TD} space-y-1.5 md:min-w-[18rem]`}>
                    {m && (
                      <PowerActions
                        machine={m}
                        actions={["start", "stop", "revert"]}
                        primaryStart
                        revertText="The student's changes will be lost."
                        label={`${row.user.name}'s machine`}
                        testIdPrefix="lab"
                      />
                    )}
                    {m && <ConsoleLinks machine={m} who={row.user.name} />}
                    <div className="flex flex-wrap gap-1.5">
                      <Button
                        size="sm"
                        variant="secondary"
                        onClick={() => open({ kind: "hours", row })}
                        aria-label={`Grant hours to ${row.user.name}`}
                        data-testid="roster-grant"
                      >
                        Grant hours
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => open({ kind: "remove", row })}
                        aria-label={`Remove ${row.user.name} from the class`}
                        data-testid="roster-remove"
                      >
                        Remove
                      </Button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </ListTable>
        )}
      </section>

      <div className="grid gap-4 lg:grid-cols-2">
        <section
          aria-labelledby="teacher-machine-heading"
          className="space-y-2 rounded-lg border border-slate-200 bg-white p-4"
          data-testid="teacher-machine"
        >
          <h2 id="teacher-machine-heading" className="font-semibold">
            Teacher&apos;s machine
          </h2>
          <p className="text-sm text-slate-600">
            Your own full copy: change it, then publish it to every student under “Publish”.
          </p>
          {teacherMachine ? (
            <>
              <div className="flex flex-wrap items-center gap-2">
                <Link
                  href={`/machines/${encodeURIComponent(teacherMachine.id)}`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  {teacherMachine.name}
                </Link>
                <StateBadge state={teacherMachine.state} testId="teacher-machine-state" />
              </div>
              <p className="text-xs text-slate-500">{specsText(teacherMachine)}</p>
              <PowerActions machine={teacherMachine} consoles />
            </>
          ) : (
            <p className="text-sm text-slate-500">{roster ? "Not created yet (see the deploy job)." : "…"}</p>
          )}
        </section>
        <section
          aria-labelledby="pool-heading"
          className="space-y-2 rounded-lg border border-slate-200 bg-white p-4"
          data-testid="class-pool"
        >
          <h2 id="pool-heading" className="font-semibold">
            Pre-provisioned pool
          </h2>
          <p className="text-sm text-slate-700" aria-live="polite">
            <span className="font-medium tabular-nums">{poolReady}</span> of {cls.poolSize} ready
            {roster &&
              roster.pool.length > poolReady &&
              ` (${poolProgressText(
                roster.pool.map((p) => byId[p.id] ?? p).filter((p) => p.state !== "STOPPED" && p.state !== "RUNNING"),
                cls,
              )})`}
          </p>
          <p className="text-xs text-slate-500">
            A student who joins takes a ready machine at once; the pool refills itself. Change its size under Settings.
          </p>
        </section>
      </div>

      <ConfirmDialog
        open={dialog?.kind === "hours"}
        title={dialog ? `Grant hours to ${dialog.row.user.name}` : ""}
        confirmLabel="Grant hours"
        {...dialogProps}
        testId="grant-dialog"
      >
        <p>Extra lab hours for this class, this month only.</p>
        <TextField
          id="grant-hours"
          label="Hours"
          type="number"
          inputMode="numeric"
          min={1}
          max={744}
          value={hours}
          onChange={(e) => setHours(e.target.value)}
          error={hoursError ?? undefined}
        />
      </ConfirmDialog>

      <ConfirmDialog
        open={dialog?.kind === "remove"}
        title={dialog ? `Remove ${dialog.row.user.name}?` : ""}
        confirmLabel={keep === "remove" ? "Remove student and machine" : "Remove student, keep machine"}
        tone="danger"
        {...dialogProps}
        testId="remove-dialog"
      >
        <p>
          {dialog?.row.user.name} leaves the class and can no longer use its machine. What happens to their machine?
        </p>
        <fieldset className="space-y-2">
          <legend className="sr-only">Their machine</legend>
          {REMOVE_CHOICES.map((c) => (
            <label key={c.value} className="flex items-start gap-2">
              <input
                type="radio"
                name="remove-machine"
                value={c.value}
                checked={keep === c.value}
                onChange={() => setKeep(c.value)}
                className="mt-0.5 h-4 w-4"
              />
              <span>
                <span className="font-medium text-slate-900">{c.label}</span>
                <span className="block text-slate-600">{c.detail}</span>
              </span>
            </label>
          ))}
        </fieldset>
      </ConfirmDialog>
    </div>
  );
}
