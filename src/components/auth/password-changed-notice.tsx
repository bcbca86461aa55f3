"use client";

// After a password change the portal signs the person out and lands here with ?changed=1: say why.
import { useSearchParams } from "next/navigation";

export function PasswordChangedNotice() {
  const changed = useSearchParams().get("changed") === "1";
  if (!changed) return null;
  return (
    <p
      role="status"
      className="mb-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800"
      data-testid="login-password-changed"
    >
      Your password was changed; sign in with the new one.
    </p>
  );
}
