"use client";

// Classes: teachers and admins see the classes they run (a table on wide screens, cards on phones) with an
// "Archived" toggle and the "New class" form; students see the classes they attend and go on to My labs.
import Link from "next/link";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { EmptyState } from "@/components/empty-state";
import { JobProgress } from "@/components/machines/job-progress";
import { RetryAlert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { FormPanel, OpenPanelButton, PageHeader, usePanel } from "@/components/ui/panel";
import { ListTable } from "@/components/ui/table";
import { useCoalesced } from "@/hooks/use-coalesced";
import { useLatestRequest } from "@/hooks/use-latest-request";
import { useLiveEvents } from "@/hooks/use-live-events";
import { AttentionNote, needsAttention } from "./class-attention";
import { type CreatedClass, NewClassForm } from "./new-class-form";
import { type ClassRow, classStatusText, ROLE_LABEL } from "./types";

type Role = "ADMIN" | "TEACHER" | "STUDENT";
const TD = "block py-1 align-top md:table-cell md:px-3 md:py-2";

function CellLabel({ children }: { children: ReactNode }) {
  return <span className="mr-1 text-xs font-medium uppercase tracking-wide text-slate-500 md:hidden">{children}</span>;
}

const CLASS_COLUMNS = ["Class", "Template", "Students", "Pool ready", "Status"];

export function StatusBadge({
  c,
}: {
  c: Pick<ClassRow, "status" | "archivedAt" | "statusDetail" | "attentionJobId" | "poolFailed">;
}) {
  // never "Ready" beside failed deploy steps or failed pool machines
  if (!c.archivedAt && needsAttention(c)) {
    return (
      <span
        className="inline-block rounded px-2 py-0.5 text-xs font-medium ring-1 ring-inset bg-amber-100 text-amber-900 ring-amber-200"
        title={c.statusDetail ?? undefined}
        data-testid="class-status"
        data-status="ATTENTION"
      >
        Needs attention
      </span>
    );
  }
  const tone = c.archivedAt
    ? "bg-slate-100 text-slate-700 ring-slate-200"
    : c.status === "READY"
      ? "bg-green-100 text-green-800 ring-green-200"
      : c.status === "FAILED"
        ? "bg-red-100 text-red-800 ring-red-200"
        : "bg-brand-50 text-brand-700 ring-brand-100";
  return (
    <span
      className={`inline-block rounded px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tone}`}
      title={c.statusDetail ?? undefined}
      data-testid="class-status"
      data-status={c.status}
    >
      {classStatusText(c)}
    </span>
  );
}

export function ClassesClient({ role }: { role: Role }) {
  const teaches = role === "ADMIN" || role === "TEACHER";
  const [archived, setArchived] = useState(false);
  const newPanel = usePanel();
  const { data, loading, error, reload } = useLatestRequest<{ items: ClassRow[] }>(`/api/classes?archived=${archived}`);
  const items = data?.items ?? null;
  const scheduleReload = useCoalesced(() => void reload(), 1000);
  useLiveEvents(["class.updated", "class.roster", "live.reconnected"], scheduleReload);
  // a class just created: the form closes, its deploy progress shows above the list and the page scrolls to its row
  const [justCreated, setJustCreated] = useState<CreatedClass[]>([]);
  const scrolledTo = useRef<string | null>(null);
  function onCreated(created: CreatedClass) {
    setJustCreated((list) => [created, ...list.filter((c) => c.class.id !== created.class.id)]);
    newPanel.hide();
    void reload();
  }
  useEffect(() => {
    const id = justCreated[0]?.class.id;
    if (!id || scrolledTo.current === id || !items?.some((c) => c.id === id)) return;
    const row = document.querySelector(`[data-class-id="${CSS.escape(id)}"]`);
    if (!row) return;
    scrolledTo.current = id;
    row.scrollIntoView({ block: "center", behavior: "smooth" });
  }, [items, justCreated]);

  return (
    <div className="space-y-6">
      <PageHeader title={teaches ? "Classes" : "My classes"}>
        {teaches ? (
          <OpenPanelButton panel={newPanel} controls="new-class-panel" data-testid="new-class-open">
            New class
          </OpenPanelButton>
        ) : (
          <Link href="/labs" className={buttonClass("primary")}>
            Go to My labs
          </Link>
        )}
      </PageHeader>

      {teaches && newPanel.open && (
        <FormPanel
          id="new-class-panel"
          headingId="new-class-heading"
          title="New class"
          closeLabel="Close the new class form"
          onClose={newPanel.hide}
        >
          <NewClassForm focusKey={newPanel.focusKey} onCreated={onCreated} />
        </FormPanel>
      )}

      {justCreated.length > 0 && (
        <section aria-label="Deploy progress" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          {justCreated.map(({ class: c, job }) => (
            <div key={job.id} className="space-y-2" data-testid="new-class-created">
              <p className="text-sm">
                Class <strong>{c.name}</strong> created.{" "}
                <Link
                  href={`/classes/${encodeURIComponent(c.id)}`}
                  className="font-medium text-brand-700 hover:underline"
                  data-testid="new-class-link"
                >
                  Open the class
                </Link>
              </p>
              <JobProgress initial={job} onFinished={scheduleReload} />
            </div>
          ))}
        </section>
      )}

      {teaches && (
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={archived}
            onChange={(e) => setArchived(e.target.checked)}
            className="h-4 w-4"
            data-testid="classes-archived"
          />
          Show archived classes
        </label>
      )}

      {error && <RetryAlert onRetry={reload}>{error}</RetryAlert>}
      {loading && items === null && (
        <p role="status" className="text-sm text-slate-600">
          Loading classes…
        </p>
      )}
      {items !== null && items.length === 0 && (
        <EmptyState
          title={archived ? "No archived classes" : teaches ? "No classes yet" : "You are not in a class yet"}
        >
          {archived
            ? "Archived classes appear here."
            : teaches
              ? "A class gives each of your students a lab machine from a template you choose. Start with “New class”."
              : "When your teacher sends you an invite link, open it to join the class."}
        </EmptyState>
      )}

      {items !== null && items.length > 0 && teaches && (
        <ListTable
          stacked
          caption={archived ? "Archived classes" : "Classes"}
          columns={CLASS_COLUMNS}
          testId="classes-table"
          busy={loading}
        >
          {items.map((c) => (
            <tr
              key={c.id}
              className={`block px-3 py-3 md:table-row md:p-0 ${justCreated.some((j) => j.class.id === c.id) ? "bg-brand-50" : ""}`}
              data-testid={`class-row-${c.name}`}
              data-class-id={c.id}
            >
              <td className={TD}>
                <Link
                  href={`/classes/${encodeURIComponent(c.id)}`}
                  className="font-medium break-words text-brand-700 hover:underline"
                >
                  {c.name}
                </Link>
                <div className="text-xs text-slate-500">
                  {ROLE_LABEL[c.myRole]}
                  {c.myRole !== "owner" && ` · owner ${c.owner.name}`}
                </div>
              </td>
              <td className={TD}>
                <CellLabel>Template</CellLabel>
                {c.template ? c.template.name : <span className="italic text-slate-500">template deleted</span>}
              </td>
              <td className={`${TD} tabular-nums`}>
                <CellLabel>Students</CellLabel>
                {c.students} / {c.maxStudents}
              </td>
              <td className={`${TD} tabular-nums`}>
                <CellLabel>Pool ready</CellLabel>
                {c.poolReady} / {c.poolSize}
              </td>
              <td className={TD}>
                <StatusBadge c={c} />
                <AttentionNote c={c} />
              </td>
            </tr>
          ))}
        </ListTable>
      )}

      {items !== null && items.length > 0 && !teaches && (
        <ul className="grid gap-3 sm:grid-cols-2" aria-label="My classes">
          {items.map((c) => (
            <li
              key={c.id}
              className="rounded-lg border border-slate-200 bg-white p-4"
              data-testid={`class-card-${c.name}`}
            >
              <div className="flex flex-wrap items-start justify-between gap-2">
                <h2 className="font-semibold break-words">{c.name}</h2>
                <StatusBadge c={c} />
              </div>
              <p className="text-sm text-slate-600">Teacher: {c.owner.name}</p>
              {c.description && <p className="mt-2 whitespace-pre-line text-sm text-slate-700">{c.description}</p>}
              <p className="mt-2 text-xs text-slate-500">
                {c.hoursPerStudent > 0 ? `${c.hoursPerStudent} lab hours per month` : "No class hour limit"}
                {c.idleMinutes > 0 && ` · idle machines stop after ${c.idleMinutes} min`}
              </p>
              <Link href="/labs" className="mt-3 inline-block text-sm font-medium text-brand-700 hover:underline">
                {c.myMachineId ? "Open my machine in My labs" : "My labs"}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
