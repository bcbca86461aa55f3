// How to sign in to a machine from its template: the SSH (and RDP) user the template names, and where the
// password comes from (the template holds no password: it is set inside the template's image).
export function SignInHint({
  sshUser,
  consoleKinds,
  className = "",
}: {
  sshUser: string | null | undefined;
  consoleKinds: readonly string[];
  className?: string;
}) {
  if (!consoleKinds.includes("ssh") && !consoleKinds.includes("rdp")) return null;
  return (
    <p className={`text-sm text-slate-700 ${className}`} data-testid="sign-in-hint">
      {consoleKinds.includes("ssh") ? "SSH user" : "Remote Desktop user"}:{" "}
      <strong className="font-mono">{sshUser || "your own (ask your teacher)"}</strong> — password: as set in the
      template&apos;s image; ask your teacher.
    </p>
  );
}
