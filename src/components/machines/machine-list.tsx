"use client";

// The machines as a table on wide screens and as stacked cards on phones (same markup, different display).
import Link from "next/link";
import type { ReactNode } from "react";
import { ListTable } from "@/components/ui/table";
import type { MachineRow } from "@/stores/machines-store";
import { DriftBadge, kindLabel, type Role, StateBadge, specsText } from "./machine-bits";
import { PowerActions } from "./power-actions";

const TD = "block py-1 align-top md:table-cell md:px-3 md:py-2";

function CellLabel({ children }: { children: ReactNode }) {
  return <span className="mr-1 text-xs font-medium uppercase tracking-wide text-slate-500 md:hidden">{children}</span>;
}

export function MachineList({ machines, role, busy }: { machines: MachineRow[]; role: Role; busy: boolean }) {
  const showHost = role === "ADMIN";
  const showOwner = role !== "STUDENT";
  return (
    <ListTable
      stacked
      caption="Machines"
      columns={["Machine", showHost && "Host", showOwner && "Owner", "State", "Addresses", "Actions"]}
      testId="machines-table"
      busy={busy}
    >
      {machines.map((m) => (
        <tr
          key={m.id}
          className="block px-3 py-3 md:table-row md:p-0"
          data-testid={`machine-row-${m.name}`}
          data-machine-id={m.id}
        >
          <td className={TD}>
            <Link href={`/machines/${m.id}`} className="font-medium break-words text-brand-700 hover:underline">
              {m.name}
            </Link>
            <div className="text-slate-600">
              {kindLabel(m.kind)} · {m.template ? m.template.name : <span className="italic">template deleted</span>}
            </div>
            <div className="text-xs text-slate-500">{specsText(m)}</div>
          </td>
          {showHost && (
            <td className={TD}>
              <CellLabel>Host</CellLabel>
              {m.host ? (
                <span>
                  {m.host.name}
                  {m.host.status !== "ONLINE" && (
                    <span className="ml-1 text-xs text-amber-800">({m.host.status.toLowerCase()})</span>
                  )}
                </span>
              ) : (
                <span className="text-slate-400">none yet</span>
              )}
            </td>
          )}
          {showOwner && (
            <td className={TD}>
              <CellLabel>Owner</CellLabel>
              {m.owner ? (
                <span title={m.owner.email} className="break-words">
                  {m.owner.name}
                </span>
              ) : (
                <span className="text-slate-400">nobody</span>
              )}
              {m.class && <div className="text-xs text-slate-500">Class: {m.class.name}</div>}
            </td>
          )}
          <td className={TD}>
            <StateBadge state={m.state} testId="machine-state" />
            {m.stateDetail && (
              <p className="mt-1 max-w-xs break-words text-xs text-slate-600" data-testid="machine-state-detail">
                {m.stateDetail}
              </p>
            )}
            {m.drift && <DriftBadge drift={m.drift} driftAt={m.driftAt} />}
          </td>
          <td className={TD}>
            <CellLabel>Addresses</CellLabel>
            {m.ipAddresses.length ? (
              <span className="font-mono text-xs break-all">{m.ipAddresses.join(", ")}</span>
            ) : (
              <span className="text-slate-400">—</span>
            )}
          </td>
          <td className={`${TD} md:min-w-[16rem]`}>
            <PowerActions machine={m} consoles />
          </td>
        </tr>
      ))}
    </ListTable>
  );
}
