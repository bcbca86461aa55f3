// virsh against one connection URI (qemu:///system, qemu+ssh://user@host/system, …), always with argument
// arrays. Errors become ProviderErrors with a reason a person can act on.

import { libvirtUriProblem } from "@/server/hosts/uri";
import { CommandError, run } from "../exec";
import { ProviderError } from "../types";

export class Virsh {
  constructor(
    readonly uri: string,
    readonly timeoutMs = 60_000,
  ) {}

  async run(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<string> {
    // a URI saved before the allow-list existed must not make virsh run a program (qemu+ext://…?command=)
    const problem = libvirtUriProblem(this.uri);
    if (problem) throw new ProviderError("INVALID", problem);
    try {
      const { stdout } = await run("virsh", ["--quiet", "-c", this.uri, ...args], {
        timeoutMs: options.timeoutMs ?? this.timeoutMs,
      });
      return stdout;
    } catch (error) {
      throw toProviderError(error, this.uri);
    }
  }
}

export function toProviderError(error: unknown, uri: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof CommandError) {
    const text = error.stderr.replace(/^error: /gm, "").trim();
    if (error.code === "ENOENT")
      return new ProviderError(
        "UNREACHABLE",
        "virsh is not installed on the portal's machine (apt-get install libvirt-clients).",
      );
    if (error.timedOut) return new ProviderError("UNREACHABLE", `libvirt at ${uri} did not answer in time.`, text);
    if (
      /failed to connect|Cannot recv data|Connection refused|No route to host|Could not resolve|Permission denied \(publickey|Host key verification failed|End of file while reading data|authentication failed|unsupported configuration: Unable to find|no connection driver available/i.test(
        text,
      )
    ) {
      return new ProviderError("UNREACHABLE", `Cannot connect to libvirt at ${uri}: ${firstLine(text)}`, text);
    }
    if (
      /Domain not found|failed to get domain|Storage volume not found|no storage vol with matching|Network not found|no network with matching|Storage pool not found|no storage pool with matching/i.test(
        text,
      )
    ) {
      return new ProviderError("NOT_FOUND", firstLine(text), text);
    }
    if (/already exists|already in use|domain .* is already/i.test(text))
      return new ProviderError("CONFLICT", firstLine(text), text);
    if (/No space left|not enough space|Disk quota/i.test(text))
      return new ProviderError("NO_SPACE", `The host's disk is full: ${firstLine(text)}`, text);
    return new ProviderError("FAILED", firstLine(text) || error.message, text);
  }
  return new ProviderError("FAILED", (error as Error)?.message ?? String(error));
}

function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .find((l) => l.trim())
      ?.trim() ?? ""
  );
}
