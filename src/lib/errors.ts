// The one error table, client-safe: every failure the portal reports has a code, an HTTP status and a WebSocket
// close code (4000 + status for client errors, or a code of its own where one refusal must be told apart from
// another, like the console's). Server code uses it through src/server/http/app-error.ts; pages use it to say
// why a console closed.

export const ERRORS = {
  BAD_REQUEST: { status: 400, ws: 4400, message: "The request is not valid." },
  INVALID_JSON: { status: 400, ws: 4400, message: "The request body is not valid JSON." },
  UNAUTHENTICATED: { status: 401, ws: 4401, message: "Please sign in." },
  FORBIDDEN: { status: 403, ws: 4403, message: "You do not have permission to do this." },
  ORIGIN_MISMATCH: { status: 403, ws: 4408, message: "This connection comes from another site and was refused." },
  CROSS_SITE_REQUEST: {
    status: 403,
    ws: 4408,
    message:
      "This request came from another site and was refused. Use the portal's own pages, or an API token for scripts.",
  },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    ws: 4470,
    message: "Choose your own password first (Profile → Change password).",
  },
  NOT_FOUND: { status: 404, ws: 4404, message: "Not found." },
  METHOD_NOT_ALLOWED: { status: 405, ws: 4405, message: "This method is not allowed here." },
  CONFLICT: { status: 409, ws: 4409, message: "This conflicts with existing data." },
  INVALID_STATE: { status: 409, ws: 4409, message: "This cannot be done in the machine's current state." },
  NO_CAPACITY: { status: 409, ws: 4409, message: "No host has room for this machine." },
  IN_USE: { status: 409, ws: 4409, message: "This is still in use." },
  // 409 like NO_CAPACITY: the caller may do this in general, but the current usage conflicts with a limit
  // (stopping or deleting something, or an approved request, makes the same call succeed); 403 means "never".
  QUOTA_EXCEEDED: { status: 409, ws: 4409, message: "This would go over your quota." },
  // invite links and joining: each refusal names its reason so the join page can say it
  INVITE_INVALID: { status: 404, ws: 4404, message: "This invite link is not valid. Ask your teacher for a new one." },
  INVITE_EXPIRED: { status: 410, ws: 4410, message: "This invite link has expired. Ask your teacher for a new one." },
  INVITE_REVOKED: { status: 410, ws: 4410, message: "This invite link was revoked by the teacher." },
  INVITE_USED_UP: { status: 410, ws: 4410, message: "This invite link has been used the maximum number of times." },
  INVITE_NOT_ALLOWED: { status: 403, ws: 4403, message: "This invite link is for other e-mail addresses." },
  CLASS_FULL: { status: 409, ws: 4409, message: "This class is full." },
  CLASS_ARCHIVED: { status: 409, ws: 4409, message: "This class is archived." },
  SIGNUP_DISABLED: {
    status: 409,
    ws: 4409,
    message: "Creating accounts through invite links is turned off. Ask your teacher or an admin for an account.",
  },
  // a feature an admin switched off: 409 with a sentence saying who can turn it on (503 is for a portal that is down)
  FEATURE_OFF: {
    status: 409,
    ws: 4409,
    message: "This feature is turned off on this portal. An admin can turn it on.",
  },
  // the lab VPN: enabling is refused while this machine cannot run it; profiles while its server does not answer
  VPN_PREFLIGHT_FAILED: {
    status: 409,
    ws: 4409,
    message: "The VPN cannot be enabled on this machine: a preflight check failed.",
  },
  VPN_NOT_RUNNING: {
    status: 409,
    ws: 4409,
    message:
      "The VPN server is not running right now, so a profile would not connect. Try again later or ask an administrator to start it.",
  },
  // console refusals: each has its own close code so the console page can say exactly why
  TICKET_INVALID: { status: 403, ws: 4461, message: "This console link is not valid. Open the console again." },
  TICKET_EXPIRED: { status: 410, ws: 4462, message: "This console link expired — reconnecting…" },
  TICKET_USED: { status: 409, ws: 4463, message: "This console link was already used. Open the console again." },
  TICKET_WRONG_USER: { status: 403, ws: 4464, message: "This console link belongs to someone else." },
  TICKET_WRONG_MACHINE: { status: 403, ws: 4465, message: "This console link is for another machine." },
  MACHINE_NOT_RUNNING: { status: 409, ws: 4466, message: "The machine is not running. Start it first." },
  CONSOLE_UNAVAILABLE: { status: 409, ws: 4467, message: "This kind of console is not offered for this machine." },
  HOST_KEY_CHANGED: {
    status: 409,
    ws: 4468,
    message:
      "The machine's SSH host key changed. This can mean someone is intercepting the connection; an admin must confirm the new key.",
  },
  BACKEND_UNREACHABLE: { status: 502, ws: 4502, message: "The machine's console could not be reached." },
  CONSOLE_CLOSED: { status: 409, ws: 4469, message: "The console was closed." },
  PAYLOAD_TOO_LARGE: { status: 413, ws: 4413, message: "The request body is too large." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, ws: 4415, message: "This content type is not supported." },
  VALIDATION_FAILED: { status: 422, ws: 4422, message: "Some fields are not valid." },
  RATE_LIMITED: { status: 429, ws: 4429, message: "Too many attempts. Please wait and try again." },
  INTERNAL: { status: 500, ws: 1011, message: "Something went wrong on our side. It has been logged." },
  HOST_UNREACHABLE: { status: 502, ws: 1014, message: "The host could not be reached." },
  PROVIDER_FAILED: { status: 502, ws: 1014, message: "The host refused the operation." },
  INSUFFICIENT_STORAGE: { status: 507, ws: 1011, message: "The host's disk is full." },
  UNAVAILABLE: { status: 503, ws: 1013, message: "The service is not available right now." },
  SHUTTING_DOWN: { status: 503, ws: 1001, message: "The portal is restarting. Reconnecting…" },
} as const satisfies Record<string, { status: number; ws: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The message for a WebSocket close code (the first code in the table that uses it). */
export function wsCloseMessage(code: number): string | null {
  for (const entry of Object.values(ERRORS)) if (entry.ws === code) return entry.message;
  return null;
}
