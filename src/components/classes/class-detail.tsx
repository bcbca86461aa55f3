"use client";

// One class. Teachers, co-owners and admins get tabs: Roster, Invites, Co-owners, Publish, Settings (with archive
// and delete). Students get a short read-only view. class.updated / class.roster events reload what changed;
// machine states in the roster come from the shared machines store (live).
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { LiveStatusNote } from "@/components/live-status-note";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { useCoalesced } from "@/hooks/use-coalesced";
import { useLiveEvents } from "@/hooks/use-live-events";
import { api } from "@/lib/api";
import { useMachineLiveSync, useMachinesStore } from "@/stores/machines-store";
import { ClassAttention } from "./class-attention";
import { StatusBadge } from "./classes-client";
import { CoOwnersSection } from "./co-owners-section";
import { InvitesSection } from "./invites-section";
import { PublishSection } from "./publish-section";
import { RosterSection } from "./roster-section";
import { SettingsSection } from "./settings-section";
import { type ClassRow, ROLE_LABEL, type Roster } from "./types";

type Role = "ADMIN" | "TEACHER" | "STUDENT";
const TABS = [
  { id: "roster", label: "Roster" },
  { id: "invites", label: "Invites" },
  { id: "co-owners", label: "Co-owners" },
  { id: "publish", label: "Publish" },
  { id: "settings", label: "Settings" },
] as const;
type Tab = (typeof TABS)[number]["id"];

export function ClassDetail({ id, role, userId }: { id: string; role: Role; userId: string }) {
  const [cls, setCls] = useState<ClassRow | null>(null);
  const [loadError, setLoadError] = useState<{ status: number; message: string } | null>(null);
  const [roster, setRoster] = useState<Roster | null>(null);
  const [rosterError, setRosterError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>("roster");
  const [deleted, setDeleted] = useState(false);
  const upsert = useMachinesStore((s) => s.upsert);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const path = `/api/classes/${encodeURIComponent(id)}`;
  const teaches = cls !== null && cls.myRole !== "student";

  const loadClass = useCallback(async () => {
    const res = await api<ClassRow>(path);
    if (res.ok) {
      setCls(res.data);
      setLoadError(null);
    } else {
      setLoadError({ status: res.error.status, message: res.error.message });
    }
  }, [path]);

  const loadRoster = useCallback(async () => {
    const res = await api<Roster>(`${path}/roster`);
    if (res.ok) {
      const machines = [
        ...res.data.items.flatMap((r) => (r.machine ? [r.machine] : [])),
        ...res.data.pool,
        ...(res.data.teacherMachine ? [res.data.teacherMachine] : []),
      ];
      upsert(machines);
      setRoster(res.data);
      setRosterError(null);
    } else {
      setRosterError(res.error.message);
    }
  }, [path, upsert]);

  useEffect(() => {
    void loadClass();
  }, [loadClass]);
  useEffect(() => {
    if (teaches) void loadRoster();
  }, [teaches, loadRoster]);

  const reloadClass = useCoalesced(() => void loadClass(), 500);
  const reloadRoster = useCoalesced(() => void loadRoster(), 800);

  useLiveEvents(["class.updated", "class.roster", "live.reconnected"], (data, type) => {
    const classId = (data as { classId?: unknown } | null)?.classId;
    if (type !== "live.reconnected" && classId !== id) return;
    reloadClass();
    if (teaches) reloadRoster();
  });
  useMachineLiveSync({ onUnknown: () => teaches && reloadRoster(), onDeleted: () => teaches && reloadRoster() });
  // a console opened or closed on one of the class's machines: the roster's console column follows live
  useLiveEvents(["console.session"], (data) => {
    if (teaches && (data as { classId?: unknown } | null)?.classId === id) reloadRoster();
  });

  function onTabKey(event: React.KeyboardEvent, index: number) {
    let next = -1;
    if (event.key === "ArrowRight") next = (index + 1) % TABS.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + TABS.length) % TABS.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = TABS.length - 1;
    if (next < 0) return;
    event.preventDefault();
    const t = TABS[next];
    if (!t) return;
    setTab(t.id);
    tabRefs.current[t.id]?.focus();
  }

  if (deleted) {
    return (
      <div className="space-y-4">
        <Alert tone="success" testId="class-deleted">
          The class is being deleted with its machines.
        </Alert>
        <Link href="/classes" className="text-sm text-brand-700 hover:underline">
          ← All classes
        </Link>
      </div>
    );
  }

  if (!cls) {
    return (
      <div className="space-y-4">
        <Link href="/classes" className="text-sm text-brand-700 hover:underline">
          ← Classes
        </Link>
        {loadError ? (
          <Alert tone="error">
            {loadError.status === 404 ? "This class was not found, or you are not part of it." : loadError.message}{" "}
            {loadError.status !== 404 && (
              <button type="button" className="font-medium underline" onClick={() => void loadClass()}>
                Try again
              </button>
            )}
          </Alert>
        ) : (
          <p role="status" className="text-sm text-slate-600">
            Loading the class…
          </p>
        )}
      </div>
    );
  }

  const header = (
    <div className="space-y-2">
      <Link href="/classes" className="text-sm text-brand-700 hover:underline">
        ← Classes
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold break-words">{cls.name}</h1>
        <StatusBadge c={cls} />
      </div>
      <p className="text-sm text-slate-600">
        {cls.template ? `Template ${cls.template.name}` : "Template deleted"} · {cls.students} of {cls.maxStudents}{" "}
        students · teacher {cls.owner.name}
        {cls.coOwners.length > 0 && ` with ${cls.coOwners.map((c) => c.name).join(", ")}`} · you:{" "}
        {ROLE_LABEL[cls.myRole].toLowerCase()}
      </p>
      {teaches ? (
        <ClassAttention cls={cls} onRetried={() => void loadClass()} />
      ) : (
        cls.statusDetail && <p className="text-sm text-slate-700">{cls.statusDetail}</p>
      )}
      {cls.archivedAt && (
        <Alert tone="warning">
          This class is archived: its machines are stopped and its invite links do not work. Restore it under Settings.
        </Alert>
      )}
      <LiveStatusNote />
    </div>
  );

  if (!teaches) {
    return (
      <div className="space-y-6">
        {header}
        {cls.description && <p className="whitespace-pre-line text-sm text-slate-700">{cls.description}</p>}
        <p className="text-sm text-slate-700">
          {cls.hoursPerStudent > 0
            ? `You have ${cls.hoursPerStudent} lab hours per month in this class.`
            : "This class has no hour limit."}
          {cls.idleMinutes > 0 && ` A machine with no console open for ${cls.idleMinutes} minutes is shut down.`}
        </p>
        <Link href="/labs" className={buttonClass("primary")}>
          Go to My labs
        </Link>
      </div>
    );
  }

  return (
    <div className="space-y-6">
      {header}
      <div role="tablist" aria-label="Class sections" className="flex flex-wrap gap-1 border-b border-slate-200">
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => onTabKey(e, i)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${tab === t.id ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
            data-testid={`class-tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === "roster" && (
          <RosterSection cls={cls} roster={roster} error={rosterError} reload={() => void loadRoster()} />
        )}
        {tab === "invites" && <InvitesSection cls={cls} />}
        {tab === "co-owners" && <CoOwnersSection cls={cls} onChanged={setCls} userId={userId} role={role} />}
        {tab === "publish" && <PublishSection cls={cls} roster={roster} />}
        {tab === "settings" && (
          <SettingsSection cls={cls} roster={roster} onChanged={setCls} onDeleted={() => setDeleted(true)} />
        )}
      </div>
    </div>
  );
}
