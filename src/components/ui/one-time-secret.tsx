import { CopyButton } from "./copy-button";

/** A secret (temporary password, token) shown once, with a copy button and a reminder that it will not be shown again. */
export function OneTimeSecret({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 p-3">
      <p className="text-sm font-medium text-amber-900">{label}</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid={testId}
          className="select-all rounded bg-white px-2 py-1 font-mono text-base tracking-wide text-slate-900 ring-1 ring-amber-200"
        >
          {value}
        </code>
        <CopyButton text={value} />
      </div>
      <p className="mt-2 text-xs text-amber-900">
        It is shown only this once. Pass it on securely; the user chooses their own password at first sign-in.
      </p>
    </div>
  );
}
