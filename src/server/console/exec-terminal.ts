// The docker exec terminal as a shared-terminal backend: one TTY exec of the template's shell in the container.
import type { DockerProvider } from "@/server/providers/docker/provider";
import type { Backend, BackendFactory } from "./shared-terminal";

export function execBackend(provider: DockerProvider, containerId: string, shell: string): BackendFactory {
  return async (size, hooks): Promise<Backend> => {
    const term = await provider.openExec(containerId, shell, size);
    const stream = term.stream as NodeJS.ReadWriteStream & { destroy?: () => void };
    let closed = false;
    stream.on("data", (chunk: Buffer) => hooks.output(chunk));
    stream.on("error", () => {
      if (!closed) hooks.ended(1011, "The terminal failed.");
    });
    stream.on("end", async () => {
      if (closed) return;
      const code = await term.exitCode().catch(() => null);
      hooks.ended(1000, "The shell ended.", code ?? null);
    });
    hooks.ready();
    return {
      write: (chunk) => {
        stream.write(chunk);
      },
      resize: (cols, rows) => void term.resize(cols, rows),
      pause: () => stream.pause(),
      resume: () => stream.resume(),
      close: () => {
        if (closed) return;
        closed = true;
        stream.end();
        stream.destroy?.();
      },
    };
  };
}
