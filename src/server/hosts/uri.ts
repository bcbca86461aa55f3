// Which host connection URIs the portal accepts. A libvirt URI is handed to virsh, which honours transports and
// parameters that run programs or open local paths (qemu+ext://…?command=, ?socket=, ?netcat=, qemu+unix with
// ?socket=…); a Docker endpoint names a socket or host to speak to. Only what the portal documents is accepted:
//   libvirt: qemu:///system | qemu:///session (local), qemu://host/…, qemu+tls://host/…, qemu+tcp://host/…,
//            qemu+ssh://[user@]host[:port]/… with ?keyfile=/abs/path, ?no_verify=0|1, ?no_tty=0|1
//            (tls: ?pkipath=/abs/dir, ?no_verify=0|1); path /system or /session.
//   Docker:  unix:///var/run/docker.sock, unix:///run/docker.sock, unix:///run/user/<uid>/docker.sock;
//            tcp://host[:port], https://host[:port], http://host[:port] (no path, no parameters);
//            ssh://[user@]host[:port] with ?keyfile=/abs/path and ?fingerprint=SHA256:…
// Used by the zod contracts (a 422 with this sentence) and again before virsh or Docker connect (hosts saved
// before this check existed).

const LIBVIRT_EXAMPLES =
  "qemu:///system, qemu+ssh://user@host/system, qemu+tls://host/system or qemu+tcp://host/system";
const DOCKER_EXAMPLES = "unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host";

const HOSTNAME =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$|^\[[0-9A-Fa-f:.]+\]$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
const ABS_PATH = /^\/[A-Za-z0-9._@+/-]{0,400}$/;
const FLAG = /^[01]$/;

type ParamRule = { ok: (value: string) => boolean; hint: string };
const absPath: ParamRule = {
  ok: (v) => ABS_PATH.test(v) && !v.split("/").includes(".."),
  hint: "must be an absolute path (letters, digits, . _ - / only)",
};
const flag: ParamRule = { ok: (v) => FLAG.test(v), hint: "must be 0 or 1" };
const fingerprint: ParamRule = {
  ok: (v) => /^SHA256:[A-Za-z0-9+/ ]{43}$/.test(v),
  hint: "must be SHA256:… as ssh-keygen -lf prints it",
};

const LIBVIRT_PARAMS: Record<string, Record<string, ParamRule>> = {
  local: {},
  ssh: { keyfile: absPath, no_verify: flag, no_tty: flag },
  tls: { pkipath: absPath, no_verify: flag },
  tcp: {},
};

const DOCKER_SOCKETS = [/^\/var\/run\/docker\.sock$/, /^\/run\/docker\.sock$/, /^\/run\/user\/\d{1,10}\/docker\.sock$/];

function parse(uri: string): URL | null {
  try {
    return new URL(uri);
  } catch {
    return null;
  }
}

function checkParams(url: URL, allowed: Record<string, ParamRule>, transport: string): string | null {
  const seen = new Set<string>();
  for (const [key, value] of url.searchParams) {
    const rule = allowed[key];
    const names = Object.keys(allowed);
    if (!rule)
      return `The URI parameter "${key}" is not allowed ${transport}${names.length ? `; only ${names.join(", ")} are` : "; this kind of URI takes no parameters"}.`;
    if (seen.has(key)) return `The URI parameter "${key}" is given twice.`;
    seen.add(key);
    if (!rule.ok(value)) return `The URI parameter "${key}" ${rule.hint}.`;
  }
  return null;
}

function checkAuthority(url: URL, allowUser: boolean): string | null {
  if (url.password) return "Do not put a password in the URI; use a key file.";
  if (url.username && (!allowUser || !USER.test(decodeURIComponent(url.username))))
    return allowUser ? "The user name in the URI is not valid." : "This kind of URI takes no user name.";
  if (url.hostname && !HOSTNAME.test(url.hostname)) return "The host name in the URI is not valid.";
  return null;
}

/** Why a libvirt URI is refused, or null when the portal accepts it. */
export function libvirtUriProblem(uri: string): string | null {
  const url = parse(uri.trim());
  if (!url) return `A libvirt URI looks like ${LIBVIRT_EXAMPLES}.`;
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const transport =
    scheme === "qemu" ? (url.hostname ? "tls" : "local") : scheme.startsWith("qemu+") ? scheme.slice(5) : null;
  if (!transport || !(transport in LIBVIRT_PARAMS) || (scheme !== "qemu" && transport === "local"))
    return `The libvirt transport "${scheme}" is not supported (some run programs on the portal's machine). Use ${LIBVIRT_EXAMPLES}.`;
  if (transport !== "local" && !url.hostname)
    return `A ${scheme}:// URI needs a host name, like ${scheme}://host/system.`;
  if (url.pathname !== "/system" && url.pathname !== "/session") return "A libvirt URI ends in /system or /session.";
  if (url.hash) return "A libvirt URI has no #fragment.";
  return (
    checkAuthority(url, transport === "ssh") ??
    checkParams(url, LIBVIRT_PARAMS[transport] ?? {}, `in a ${scheme}:// URI`)
  );
}

/** Why a Docker endpoint is refused, or null when the portal accepts it. */
export function dockerUriProblem(uri: string): string | null {
  const text = uri.trim();
  if (text.startsWith("unix://")) {
    const path = text.slice("unix://".length);
    if (!DOCKER_SOCKETS.some((r) => r.test(path)))
      return `Only Docker's own socket is accepted (unix:///var/run/docker.sock, unix:///run/docker.sock or unix:///run/user/<uid>/docker.sock).`;
    return null;
  }
  const url = parse(text);
  if (!url) return `A Docker endpoint looks like ${DOCKER_EXAMPLES}.`;
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (!["tcp", "https", "http", "ssh"].includes(scheme))
    return `The Docker endpoint "${scheme}://" is not supported. Use ${DOCKER_EXAMPLES}.`;
  if (!url.hostname) return `A ${scheme}:// endpoint needs a host name, like ${scheme}://host.`;
  if (url.pathname && url.pathname !== "/") return "A Docker endpoint has no path after the host.";
  if (url.hash) return "A Docker endpoint has no #fragment.";
  const authority = checkAuthority(url, scheme === "ssh");
  if (authority) return authority;
  if (scheme === "ssh") {
    return checkParams(url, { keyfile: absPath, fingerprint }, "in an ssh:// endpoint");
  }
  return checkParams(url, {}, `in a ${scheme}:// endpoint`);
}

export function hostUriProblem(kind: string, uri: string): string | null {
  return kind === "LIBVIRT" ? libvirtUriProblem(uri) : kind === "DOCKER" ? dockerUriProblem(uri) : null;
}
