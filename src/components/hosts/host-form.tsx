"use client";

import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { bindField } from "@/components/ui/form";
import { api } from "@/lib/api";
// "Add host": kind, connection URI with a "Test connection" button (the result shows under the URI), display
// and publish addresses, capacity. Saving tests the connection again on the server; a failure comes back on the URI.
import { focusFirstInvalid } from "@/lib/focus";
import { CapacityFields, capacityErrors } from "./capacity-fields";
import { formatMemory, type HostKind, type HostRow, type HostTest } from "./types";

type Values = {
  name: string;
  kind: HostKind;
  uri: string;
  virtType: "kvm" | "qemu";
  storagePool: string;
  consoleAddress: string;
  publicConsoleAddress: string;
  publishAddress: string;
  tlsDir: string;
  vcpus: string;
  memoryMb: string;
  diskGb: string;
  maxMachines: string;
};

const EMPTY: Values = {
  name: "",
  kind: "LIBVIRT",
  uri: "",
  virtType: "kvm",
  storagePool: "lab-portal",
  consoleAddress: "127.0.0.1",
  publicConsoleAddress: "",
  publishAddress: "127.0.0.1",
  tlsDir: "",
  vcpus: "",
  memoryMb: "",
  diskGb: "",
  maxMachines: "",
};

const URI_EXAMPLES: Record<HostKind, { placeholder: string; hint: string }> = {
  LIBVIRT: {
    placeholder: "qemu:///system",
    hint: "For example qemu:///system (this machine) or qemu+ssh://user@host/system (another machine over SSH).",
  },
  DOCKER: {
    placeholder: "unix:///var/run/docker.sock",
    hint: "For example unix:///var/run/docker.sock (this machine), tcp://host:2376 (TLS) or ssh://user@host.",
  },
};

function body(v: Values, forTest: boolean) {
  const num = (s: string, fallback: number) =>
    s.trim() === "" && forTest ? fallback : s.trim() === "" ? undefined : Number(s);
  return {
    name: v.name.trim() || (forTest ? "connection-test" : ""),
    kind: v.kind,
    uri: v.uri.trim(),
    virtType: v.virtType,
    storagePool: v.storagePool.trim() || undefined,
    consoleAddress: v.consoleAddress.trim() || undefined,
    publishAddress: v.publishAddress.trim() || undefined,
    publicConsoleAddress:
      v.kind === "LIBVIRT" && v.publicConsoleAddress.trim() ? v.publicConsoleAddress.trim() : undefined,
    tlsDir: v.kind === "DOCKER" && v.tlsDir.trim() ? v.tlsDir.trim() : undefined,
    // The test only looks at the connection; capacity the person has not chosen yet is filled with placeholders.
    vcpus: num(v.vcpus, 1),
    memoryMb: num(v.memoryMb, 1024),
    diskGb: num(v.diskGb, 10),
    maxMachines: num(v.maxMachines, 10),
  };
}

export function HostForm({ onCreated, focusKey }: { onCreated: (host: HostRow) => void; focusKey: number }) {
  const nameRef = useRef<HTMLInputElement>(null);
  const [v, setV] = useState<Values>(EMPTY);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<HostTest | null>(null);
  const [created, setCreated] = useState<HostRow | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again each time the panel is (re)opened
  useEffect(() => {
    nameRef.current?.focus();
  }, [focusKey]);

  function set<K extends keyof Values>(key: K, value: Values[K]) {
    setV((old) => ({ ...old, [key]: value }));
    if (fields[key]) setFields(({ [key]: _, ...rest }) => rest);
    if (key === "uri" || key === "kind" || key === "tlsDir" || key === "virtType") setTest(null);
  }
  const bind = bindField(v, fields, (key, value) => set(key, value as Values[typeof key]));

  async function runTest() {
    setError(null);
    setTest(null);
    if (!v.uri.trim()) {
      setFields((f) => ({ ...f, uri: "Enter the connection URI first." }));
      document.getElementById("host-uri")?.focus();
      return;
    }
    setTesting(true);
    const res = await api<HostTest>("/api/admin/hosts/test", { method: "POST", json: body(v, true) });
    setTesting(false);
    if (!res.ok) {
      const f = res.error.fields ?? {};
      if (Object.keys(f).length) setFields(f);
      else setTest({ ok: false, warnings: [], error: res.error.message });
      return;
    }
    setTest(res.data);
    if (res.data.ok) {
      setFields(({ uri: _, ...rest }) => rest);
      // Offer what the host reports as a starting point for the capacity.
      setV((old) => ({
        ...old,
        vcpus: old.vcpus || (res.data.vcpus ? String(res.data.vcpus) : ""),
        memoryMb: old.memoryMb || (res.data.memoryMb ? String(res.data.memoryMb) : ""),
      }));
    }
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const clientErrors: Record<string, string> = {};
    if (!v.name.trim()) clientErrors.name = "Enter a name.";
    if (!v.uri.trim()) clientErrors.uri = "Enter the connection URI.";
    Object.assign(clientErrors, capacityErrors(v));
    setFields(clientErrors);
    setError(null);
    if (Object.keys(clientErrors).length) {
      focusFirstInvalid(form);
      return;
    }
    setSaving(true);
    const res = await api<HostRow>("/api/admin/hosts", { method: "POST", json: body(v, false) });
    setSaving(false);
    if (!res.ok) {
      const f = res.error.fields ?? {};
      setFields(f);
      setError(
        Object.keys(f).length
          ? f.uri && Object.keys(f).length === 1
            ? "The connection test failed; nothing was saved."
            : "Please correct the marked fields."
          : res.error.message,
      );
      if (f.uri) setTest(null);
      focusFirstInvalid(form);
      return;
    }
    setCreated(res.data);
    setV(EMPTY);
    setTest(null);
    onCreated(res.data);
    nameRef.current?.focus();
  }

  const uri = URI_EXAMPLES[v.kind];
  const dockerTcp = v.kind === "DOCKER" && /^tcp:\/\//.test(v.uri.trim());

  return (
    <div className="space-y-4">
      {created && (
        <Alert tone="success" testId="host-created">
          Added host <strong>{created.name}</strong> ({created.status.toLowerCase()}).
        </Alert>
      )}
      <form onSubmit={onSubmit} noValidate aria-labelledby="new-host-heading" className="grid gap-3 sm:grid-cols-2">
        <TextField ref={nameRef} id="host-name" label="Name" autoComplete="off" {...bind("name")} maxLength={80} />
        <SelectField id="host-kind" label="Kind" {...bind("kind")}>
          <option value="LIBVIRT">libvirt (virtual machines)</option>
          <option value="DOCKER">Docker (containers)</option>
        </SelectField>

        <div className="sm:col-span-2">
          <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
            <TextField
              id="host-uri"
              label="Connection URI"
              className="min-w-0 flex-1"
              autoComplete="off"
              spellCheck={false}
              placeholder={uri.placeholder}
              hint={uri.hint}
              {...bind("uri")}
              data-testid="host-uri"
            />
            <Button
              variant="secondary"
              className="sm:mt-6"
              onClick={() => void runTest()}
              pending={testing}
              pendingLabel="Testing…"
              data-testid="host-test"
            >
              Test connection
            </Button>
          </div>
          {test && (
            <div
              role="status"
              className={`mt-2 rounded-md border px-3 py-2 text-sm ${test.ok ? "border-green-200 bg-green-50 text-green-900" : "border-red-200 bg-red-50 text-red-800"}`}
              data-testid="host-test-result"
            >
              {test.ok ? (
                <>
                  <p className="font-medium">Connected{test.version ? ` — ${test.version}` : ""}.</p>
                  <p>
                    {test.vcpus !== undefined && `${test.vcpus} vCPU`}
                    {test.vcpus !== undefined && test.memoryMb !== undefined && " · "}
                    {test.memoryMb !== undefined && `${formatMemory(test.memoryMb)} RAM`}
                  </p>
                </>
              ) : (
                <p>
                  <span className="font-medium">The connection failed:</span> {test.error ?? "no reason given."}
                </p>
              )}
              {test.warnings.length > 0 && (
                <ul className="mt-1 list-disc pl-5 text-amber-900">
                  {test.warnings.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>

        {v.kind === "LIBVIRT" && (
          <>
            <SelectField
              id="host-virt-type"
              label="Virtualization"
              {...bind("virtType")}
              hint="kvm needs hardware virtualization on the host; qemu is plain emulation (slow, for testing)."
            >
              <option value="kvm">kvm</option>
              <option value="qemu">qemu</option>
            </SelectField>
            <TextField
              id="host-storage-pool"
              label="Storage pool"
              autoComplete="off"
              {...bind("storagePool")}
              hint="The libvirt pool for machine disks (created if missing)."
            />
          </>
        )}
        <TextField
          id="host-console-address"
          label="Console address"
          autoComplete="off"
          {...bind("consoleAddress")}
          hint={
            v.kind === "LIBVIRT"
              ? "The IP address on the host where VNC/SPICE displays listen and the portal connects to."
              : "The IP address the portal uses to reach the host's published ports."
          }
        />
        {v.kind === "LIBVIRT" && (
          <TextField
            id="host-public-console-address"
            label="Public console address (optional)"
            autoComplete="off"
            placeholder="lab.example.edu"
            {...bind("publicConsoleAddress")}
            hint="Where students' remote-viewer reaches the SPICE displays (.vv files). Empty: the console address, unless it is 127.0.0.1 (then .vv files are not offered)."
          />
        )}
        {v.kind === "DOCKER" && (
          <TextField
            id="host-publish-address"
            label="Publish address"
            autoComplete="off"
            {...bind("publishAddress")}
            hint="The host IP address container ports (SSH, RDP) are published on."
          />
        )}
        {dockerTcp && (
          <TextField
            id="host-tls-dir"
            label="TLS certificate folder"
            autoComplete="off"
            placeholder="/etc/lab-portal/docker-tls/host1"
            {...bind("tlsDir")}
            hint="On the portal server: a folder with ca.pem, cert.pem and key.pem for tcp:// connections."
            className="sm:col-span-2"
          />
        )}

        <fieldset className="grid gap-3 sm:col-span-2 sm:grid-cols-4">
          <legend className="mb-1 text-sm font-semibold text-slate-800">
            Capacity the portal may use on this host
          </legend>
          <CapacityFields idPrefix="host" bind={bind} />
          <p className="text-xs text-slate-500 sm:col-span-4">
            A successful connection test fills in the host&apos;s vCPUs and RAM; lower them to keep room for the host
            itself.
          </p>
        </fieldset>

        {error && (
          <Alert tone="error" className="sm:col-span-2" testId="host-form-error">
            {error}
          </Alert>
        )}
        <div className="sm:col-span-2">
          <Button type="submit" pending={saving} pendingLabel="Testing and saving…" data-testid="host-save">
            Save
          </Button>
        </div>
      </form>
    </div>
  );
}
