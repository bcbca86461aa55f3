"use client";

// Portal setting on the users page: may people create their own student account through a class invite link?
import { useEffect, useState } from "react";
import { api } from "@/lib/api";

type Settings = { selfSignup: boolean };

export function SelfSignupCard() {
  const [value, setValue] = useState<boolean | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const res = await api<Settings>("/api/admin/settings");
      if (cancelled) return;
      if (res.ok) setValue(res.data.selfSignup);
      else setError(`Could not load the setting: ${res.error.message}`);
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  async function toggle(next: boolean) {
    const before = value;
    setValue(next); // the box follows the click at once; put back if the portal refuses
    setPending(true);
    setError(null);
    setSaved(null);
    const res = await api<Settings>("/api/admin/settings", { method: "PATCH", json: { selfSignup: next } });
    setPending(false);
    if (!res.ok) {
      setValue(before);
      setError(res.error.message);
      return;
    }
    setValue(res.data.selfSignup);
    setSaved(res.data.selfSignup ? "Self-signup is on." : "Self-signup is off.");
  }

  return (
    <section
      aria-labelledby="self-signup-heading"
      className="rounded-lg border border-slate-200 bg-white p-4"
      data-testid="self-signup-card"
    >
      <h2 id="self-signup-heading" className="font-semibold">
        Self-signup through invite links
      </h2>
      <label className="mt-2 flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          className="mt-0.5 h-4 w-4"
          checked={value ?? false}
          disabled={value === null || pending}
          onChange={(e) => void toggle(e.target.checked)}
          aria-describedby="self-signup-hint"
          data-testid="self-signup-toggle"
        />
        <span>
          <span className="font-medium text-slate-800">
            Let people without an account create a student account from a class invite link
          </span>
          <span id="self-signup-hint" className="block text-xs text-slate-500">
            Only through a valid invite link (its allowed addresses or domains still apply); there is no open
            registration page.
          </span>
        </span>
      </label>
      <p aria-live="polite" className="mt-1 text-sm">
        {error ? (
          <span className="text-red-700">{error}</span>
        ) : saved ? (
          <span className="text-green-800">{saved}</span>
        ) : null}
      </p>
    </section>
  );
}
