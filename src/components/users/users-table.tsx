"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { OneTimeSecret } from "@/components/ui/one-time-secret";
import { type Column, ListTable, RowMessages } from "@/components/ui/table";
import { useRowMessages } from "@/hooks/use-row-messages";
import { api } from "@/lib/api";
import { formatDate, ROLE_LABELS, ROLES, type Role, type UserRow } from "./types";

const COLUMNS: readonly Column[] = [
  "User",
  "Role",
  "Status",
  { label: "Last sign-in", hideBelow: "lg" },
  { label: "Actions", srOnly: true },
];

type Pending = { kind: "role"; user: UserRow; role: Role } | { kind: "disable" | "enable" | "reset"; user: UserRow };

const CONFIRM: Record<Pending["kind"], { title: string; label: string; tone: "primary" | "danger" }> = {
  role: { title: "Change role?", label: "Change role", tone: "primary" },
  disable: { title: "Disable this account?", label: "Disable account", tone: "danger" },
  enable: { title: "Enable this account?", label: "Enable account", tone: "primary" },
  reset: { title: "Reset password?", label: "Reset password", tone: "danger" },
};

export function UsersTable({
  users,
  currentUserId,
  onChanged,
  busy,
}: {
  users: UserRow[];
  currentUserId: string;
  onChanged: (row: UserRow) => void;
  busy: boolean;
}) {
  const [pending, setPending] = useState<Pending | null>(null);
  const [working, setWorking] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const rows = useRowMessages();
  const [secret, setSecret] = useState<{ email: string; password: string } | null>(null);

  function open(p: Pending) {
    setDialogError(null);
    rows.clear(p.user.id);
    setPending(p);
  }

  async function confirm() {
    if (!pending) return;
    const { user } = pending;
    setWorking(true);
    setDialogError(null);
    let note = "";
    if (pending.kind === "reset") {
      const res = await api<{ temporaryPassword?: string }>(`/api/admin/users/${user.id}/reset-password`, {
        method: "POST",
        json: {},
      });
      setWorking(false);
      if (!res.ok) return setDialogError(res.error.message);
      setPending(null);
      if (res.data.temporaryPassword) setSecret({ email: user.email, password: res.data.temporaryPassword });
      onChanged({ ...user, mustChangePassword: true });
      note = "Password reset; their sessions were ended, their API tokens revoked and their open consoles closed.";
    } else {
      const json = pending.kind === "role" ? { role: pending.role } : { disabled: pending.kind === "disable" };
      const res = await api<UserRow>(`/api/admin/users/${user.id}`, { method: "PATCH", json });
      setWorking(false);
      if (!res.ok) return setDialogError(res.error.fields?.role ?? res.error.fields?.disabled ?? res.error.message);
      setPending(null);
      onChanged(res.data);
      note =
        pending.kind === "role"
          ? `Now ${ROLE_LABELS[res.data.role].toLowerCase()}.`
          : res.data.disabled
            ? "Disabled."
            : "Enabled.";
    }
    rows.show(user.id, note);
  }

  const explain = (p: Pending) => {
    const who = <strong>{p.user.name}</strong>;
    switch (p.kind) {
      case "role":
        return (
          <p>
            {who} ({p.user.email}) becomes {p.role === "ADMIN" ? "an" : "a"}{" "}
            <strong>{ROLE_LABELS[p.role].toLowerCase()}</strong>. They are signed out everywhere and sign in again with
            the new role.
          </p>
        );
      case "disable":
        return (
          <p>
            {who} ({p.user.email}) is signed out at once and cannot sign in or use API tokens until the account is
            enabled again. Nothing is deleted.
          </p>
        );
      case "enable":
        return (
          <p>
            {who} ({p.user.email}) can sign in again with their current password.
          </p>
        );
      case "reset":
        return (
          <p>
            A new temporary password is generated for {who} ({p.user.email}). Their current password stops working, they
            are signed out everywhere, their API tokens are revoked and their open consoles closed.
          </p>
        );
    }
  };

  return (
    <>
      <ListTable caption="Users" columns={COLUMNS} testId="users-table" busy={busy}>
        {users.map((user) => {
          const self = user.id === currentUserId;
          return (
            <tr
              key={user.id}
              data-testid={`user-row-${user.email}`}
              className={user.disabled ? "bg-slate-50 text-slate-500" : undefined}
            >
              <td className="px-3 py-2 align-top">
                <div className="font-medium text-slate-900">
                  {user.name} {self && <span className="text-xs font-normal text-slate-500">(you)</span>}
                </div>
                <div className="break-all text-slate-600">{user.email}</div>
                <RowMessages error={rows.errors[user.id]} note={rows.notes[user.id]} />
              </td>
              <td className="px-3 py-2 align-top">
                <label htmlFor={`role-${user.id}`} className="sr-only">
                  Role of {user.email}
                </label>
                <select
                  id={`role-${user.id}`}
                  value={user.role}
                  disabled={self}
                  title={self ? "You cannot change your own role." : undefined}
                  onChange={(e) => open({ kind: "role", user, role: e.target.value as Role })}
                  className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm disabled:bg-slate-100"
                  data-testid="role-select"
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {ROLE_LABELS[r]}
                    </option>
                  ))}
                </select>
              </td>
              <td className="px-3 py-2 align-top">
                <span
                  className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${user.disabled ? "bg-slate-200 text-slate-700" : "bg-green-100 text-green-800"}`}
                >
                  {user.disabled ? "Disabled" : "Active"}
                </span>
                {user.mustChangePassword && <div className="mt-1 text-xs text-amber-700">Must change password</div>}
              </td>
              <td className="hidden px-3 py-2 align-top text-slate-600 lg:table-cell">
                {formatDate(user.lastLoginAt)}
              </td>
              <td className="px-3 py-2 align-top">
                <div className="flex flex-wrap justify-end gap-1.5">
                  {!self &&
                    (user.disabled ? (
                      <Button
                        size="sm"
                        variant="secondary"
                        onClick={() => open({ kind: "enable", user })}
                        aria-label={`Enable ${user.email}`}
                      >
                        Enable
                      </Button>
                    ) : (
                      <Button
                        size="sm"
                        variant="secondary"
                        onClick={() => open({ kind: "disable", user })}
                        aria-label={`Disable ${user.email}`}
                      >
                        Disable
                      </Button>
                    ))}
                  <Button
                    size="sm"
                    variant="secondary"
                    onClick={() => open({ kind: "reset", user })}
                    aria-label={`Reset password of ${user.email}`}
                  >
                    Reset password
                  </Button>
                </div>
              </td>
            </tr>
          );
        })}
      </ListTable>

      <ConfirmDialog
        open={pending !== null}
        title={pending ? CONFIRM[pending.kind].title : ""}
        confirmLabel={pending ? CONFIRM[pending.kind].label : ""}
        tone={pending ? CONFIRM[pending.kind].tone : "primary"}
        pending={working}
        error={dialogError}
        onConfirm={() => void confirm()}
        onCancel={() => {
          if (pending && dialogError) rows.show(pending.user.id, dialogError, true);
          setPending(null);
        }}
      >
        {pending && explain(pending)}
      </ConfirmDialog>

      <Dialog
        open={secret !== null}
        title="Password reset"
        onClose={() => setSecret(null)}
        testId="reset-result"
        footer={
          <Button variant="primary" onClick={() => setSecret(null)}>
            Done
          </Button>
        }
      >
        {secret && (
          <OneTimeSecret
            label={`Temporary password for ${secret.email}`}
            value={secret.password}
            testId="temporary-password"
          />
        )}
      </Dialog>
    </>
  );
}
