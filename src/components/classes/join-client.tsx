"use client";

// The invite page: what the link leads to (class, teacher) and whether it still works. Signed in: "Join class",
// then on to My labs (with the machine's creation progress first when the class had no ready machine). Signed
// out: "Sign in to join" and, when the admin allows it, "Create an account" (signup through the invite, sign-in,
// join).
import Link from "next/link";
import { signIn, signOut } from "next-auth/react";
import { useEffect, useRef, useState } from "react";
import { JobProgress } from "@/components/machines/job-progress";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClass } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { api } from "@/lib/api";
import { focusFirstInvalid } from "@/lib/focus";
import type { InvitePreview, JobView, JoinResult } from "./types";

type User = { name: string; email: string; role: string } | null;

const STATUS_MESSAGES: Record<string, string> = {
  expired: "This invite link has expired. Ask your teacher for a new one.",
  revoked: "This invite link was withdrawn by the teacher. Ask your teacher for a new one.",
  "used-up": "This invite link has been used as many times as allowed. Ask your teacher for a new one.",
  full: "This class is full. Ask your teacher to make room.",
  archived: "This class is archived; nobody can join it now.",
};

export function JoinClient({ code, user }: { code: string; user: User }) {
  const [preview, setPreview] = useState<InvitePreview | null>(null);
  const [loadError, setLoadError] = useState<{ status: number; message: string } | null>(null);
  const [joining, setJoining] = useState(false);
  const [joinError, setJoinError] = useState<string | null>(null);
  const [mustChoosePassword, setMustChoosePassword] = useState(false);
  const [job, setJob] = useState<JobView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [showSignup, setShowSignup] = useState(false);
  const path = `/api/invites/${encodeURIComponent(code)}`;
  const here = `/join/${encodeURIComponent(code)}`;

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const res = await api<InvitePreview>(path);
      if (cancelled) return;
      if (res.ok) setPreview(res.data);
      else setLoadError({ status: res.error.status, message: res.error.message });
    })();
    return () => {
      cancelled = true;
    };
  }, [path]);

  /** POST join; on success either on to My labs, or the creation job's progress first. */
  async function join(): Promise<boolean> {
    setJoining(true);
    setJoinError(null);
    const res = await api<JoinResult>(`${path}/join`, { method: "POST" });
    setJoining(false);
    if (!res.ok) {
      setJoinError(res.error.message);
      setMustChoosePassword(res.error.code === "PASSWORD_CHANGE_REQUIRED");
      return false;
    }
    if (res.data.job && !res.data.job.finishedAt) {
      setDone(
        res.data.alreadyEnrolled
          ? `You are already in ${res.data.class.name}.`
          : `You joined ${res.data.class.name}. Your machine is being created…`,
      );
      setJob(res.data.job);
      return true;
    }
    setDone(
      res.data.alreadyEnrolled
        ? `You are already in ${res.data.class.name}. Opening My labs…`
        : `You joined ${res.data.class.name}. Opening My labs…`,
    );
    window.location.assign("/labs");
    return true;
  }

  if (loadError) {
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold">Join a class</h1>
        <Alert tone="error" testId="join-error">
          {/* an unknown code (404) or one that is not even shaped like a code (422) */}
          {loadError.status === 404 || loadError.status === 422
            ? "This invite link is not valid — ask your teacher for a new one."
            : loadError.message}
        </Alert>
        <Link href="/" className="text-sm text-brand-700 hover:underline">
          Go to Lab Portal
        </Link>
      </div>
    );
  }

  if (!preview) {
    return (
      <p role="status" className="text-sm text-slate-600">
        Reading the invite…
      </p>
    );
  }

  const usable = preview.status === "active";
  const statusMessage = usable
    ? null
    : (preview.message ?? STATUS_MESSAGES[preview.status] ?? `This invite link cannot be used (${preview.status}).`);

  return (
    <div className="space-y-4" data-testid="join-page" data-status={preview.status}>
      <div>
        <p className="text-sm text-slate-600">You are invited to join</p>
        <h1 className="text-xl font-semibold break-words" data-testid="join-class-name">
          {preview.className}
        </h1>
        <p className="text-sm text-slate-600">Teacher: {preview.teacher}</p>
        {preview.description && (
          <p className="mt-2 whitespace-pre-line text-sm text-slate-700">{preview.description}</p>
        )}
      </div>

      {statusMessage && (
        <Alert tone="warning" testId="join-status">
          {statusMessage}
        </Alert>
      )}

      {done && (
        <div role="status" aria-live="polite" className="space-y-3" data-testid="join-done">
          <p className="text-sm font-medium text-green-800">{done}</p>
          {job && (
            <JobProgress
              initial={job}
              onFinished={(j) => {
                if (j.failed === 0) window.location.assign("/labs");
              }}
            />
          )}
          <Link href="/labs" className={buttonClass("primary")}>
            Go to My labs
          </Link>
        </div>
      )}

      {!done && user && (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">
            Signed in as <strong>{user.name}</strong> ({user.email}).{" "}
            <button
              type="button"
              className="text-brand-700 underline"
              onClick={() => void signOut({ callbackUrl: here })}
            >
              Not you?
            </button>
          </p>
          {preview.enrolled ? (
            <>
              <p className="text-sm text-slate-700">You are already in this class.</p>
              <Link href="/labs" className={buttonClass("primary")}>
                Go to My labs
              </Link>
            </>
          ) : (
            usable && (
              <Button onClick={() => void join()} pending={joining} pendingLabel="Joining…" data-testid="join-submit">
                Join class
              </Button>
            )
          )}
          {joinError && <JoinError message={joinError} choosePasswordFor={mustChoosePassword ? here : null} />}
        </div>
      )}

      {!done && !user && usable && (
        <div className="space-y-3">
          <Link
            href={`/login?next=${encodeURIComponent(here)}`}
            className={buttonClass("primary", "md", "w-full")}
            data-testid="join-sign-in"
          >
            Sign in to join
          </Link>
          {preview.selfSignup && !showSignup && (
            <Button
              variant="secondary"
              className="w-full"
              onClick={() => setShowSignup(true)}
              aria-expanded={false}
              aria-controls="signup-form"
              data-testid="join-signup-open"
            >
              Create an account
            </Button>
          )}
          {preview.selfSignup && showSignup && <SignupForm path={path} onSignedIn={join} />}
          {joinError && <JoinError message={joinError} choosePasswordFor={mustChoosePassword ? here : null} />}
        </div>
      )}
    </div>
  );
}

function SignupForm({ path, onSignedIn }: { path: string; onSignedIn: () => Promise<boolean> }) {
  const nameRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    nameRef.current?.focus();
  }, []);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const clientErrors: Record<string, string> = {};
    if (!name.trim()) clientErrors.name = "Enter your name.";
    if (!email.trim()) clientErrors.email = "Enter your e-mail address.";
    if (password.length < 10) clientErrors.password = "Use at least 10 characters.";
    setFields(clientErrors);
    setError(null);
    if (Object.keys(clientErrors).length) {
      focusFirstInvalid(form);
      return;
    }
    setPending(true);
    const res = await api<{ email: string; classId: string }>(`${path}/signup`, {
      method: "POST",
      json: { name, email, password },
    });
    if (!res.ok) {
      setPending(false);
      const f = res.error.fields ?? {};
      setFields(f);
      setError(Object.keys(f).length ? "Please correct the marked fields." : res.error.message);
      focusFirstInvalid(form);
      return;
    }
    const signedIn = await signIn("credentials", { email: res.data.email, password, redirect: false });
    if (!signedIn || signedIn.error) {
      setPending(false);
      // the server answers the same for an address that already had an account (nothing was changed then)
      setError(
        "Signing in with this e-mail address and password did not work. If you already had an account, use its password on the sign-in page; otherwise try again.",
      );
      return;
    }
    // the signup enrolled the account already; joining again returns the class (and a job, if a machine is made)
    const joined = await onSignedIn();
    setPending(false);
    if (!joined) window.location.assign("/labs");
  }

  return (
    <form
      id="signup-form"
      onSubmit={onSubmit}
      noValidate
      aria-label="Create an account"
      className="space-y-3 rounded-lg border border-slate-200 p-4"
    >
      <h2 className="font-semibold">Create an account</h2>
      <TextField
        ref={nameRef}
        id="signup-name"
        label="Your name"
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={100}
        error={fields.name}
      />
      <TextField
        id="signup-email"
        label="E-mail address"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={fields.email}
      />
      <TextField
        id="signup-password"
        label="Password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        hint="At least 10 characters."
        error={fields.password}
      />
      {error && (
        <Alert tone="error" testId="signup-error">
          {error}
        </Alert>
      )}
      <Button
        type="submit"
        className="w-full"
        pending={pending}
        pendingLabel="Creating your account…"
        data-testid="signup-submit"
      >
        Create account and join
      </Button>
    </form>
  );
}

/** A refused join; an account that must choose its own password first is led to the profile and back here. */
function JoinError({ message, choosePasswordFor }: { message: string; choosePasswordFor: string | null }) {
  return (
    <Alert tone="error" testId="join-error">
      {message}
      {choosePasswordFor && (
        <>
          {" "}
          <Link
            href={`/profile?next=${encodeURIComponent(choosePasswordFor)}`}
            className="font-medium underline"
            data-testid="join-choose-password"
          >
            Choose your password
          </Link>
          , then sign in again and you come back here.
        </>
      )}
    </Alert>
  );
}
