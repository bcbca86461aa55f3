"use client";

// Quota & requests: my limits and hours, a "Request more" form, my requests (live status), and for teachers the
// hours requests of their classes' students.
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { useMyQuota } from "@/hooks/use-my-quota";
import { api } from "@/lib/api";
import { KIND_LABELS, RESOURCE_LABELS, type RequestRow } from "./quota-format";
import { QuotaSummary } from "./quota-summary";
import { RequestsList } from "./requests-list";

type Kind = RequestRow["kind"];

const AMOUNT_LABEL: Record<Kind, string> = {
  HOURS: "Hours",
  MACHINES: "How many more machines",
  RESOURCES: "How much more",
};

export function RequestsClient({ role }: { role: "ADMIN" | "TEACHER" | "STUDENT" }) {
  const { quota, error } = useMyQuota();
  const [kind, setKind] = useState<Kind>("HOURS");
  const [amount, setAmount] = useState("");
  const [resource, setResource] = useState("maxRunning");
  const [classId, setClassId] = useState("");
  const [reason, setReason] = useState("");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [reloadKey, setReloadKey] = useState(0);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setFields({});
    setFormError(null);
    setSent(null);
    const json: Record<string, unknown> = { kind, amount: amount.trim() === "" ? undefined : Number(amount), reason };
    if (kind === "RESOURCES") json.resource = resource;
    if (kind === "HOURS" && classId) json.classId = classId;
    const res = await api<RequestRow>("/api/quota-requests", { method: "POST", json });
    setPending(false);
    if (!res.ok) {
      setFields(res.error.fields ?? {});
      if (!res.error.fields) setFormError(res.error.message);
      return;
    }
    setSent(`Request sent: ${res.data.summary}. You will see the answer below.`);
    setAmount("");
    setReason("");
    setReloadKey((k) => k + 1);
  }

  return (
    <div className="space-y-8">
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">Quota & requests</h1>
        <QuotaSummary quota={quota} error={error} />
      </div>

      {role === "ADMIN" ? (
        <Alert>
          Admins have no limits unless a plan is assigned to them. Requests are decided on the{" "}
          <Link className="font-medium underline" href="/admin/quotas?tab=requests">
            Quotas page
          </Link>
          .
        </Alert>
      ) : (
        <section
          aria-labelledby="request-more-heading"
          className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
        >
          <h2 id="request-more-heading" className="text-lg font-semibold">
            Request more
          </h2>
          <form
            onSubmit={(e) => void submit(e)}
            className="grid gap-3 sm:grid-cols-2"
            noValidate
            data-testid="request-form"
          >
            <SelectField
              id="request-kind"
              label="What do you need?"
              value={kind}
              onChange={(e) => setKind(e.target.value as Kind)}
              error={fields.kind}
            >
              {(Object.keys(KIND_LABELS) as Kind[]).map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </SelectField>
            {kind === "RESOURCES" && (
              <SelectField
                id="request-resource"
                label="Which resource"
                value={resource}
                onChange={(e) => setResource(e.target.value)}
                error={fields.resource}
              >
                {Object.entries(RESOURCE_LABELS).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </SelectField>
            )}
            {kind === "HOURS" && quota && quota.classes.length > 0 && (
              <SelectField
                id="request-class"
                label="For class"
                value={classId}
                onChange={(e) => setClassId(e.target.value)}
                error={fields.classId}
                hint="Hours for a class are decided by its teacher or an admin."
              >
                <option value="">Not for a class (plan hours)</option>
                {quota.classes.map((c) => (
                  <option key={c.classId} value={c.classId}>
                    {c.className}
                  </option>
                ))}
              </SelectField>
            )}
            <TextField
              id="request-amount"
              label={kind === "RESOURCES" ? `${AMOUNT_LABEL[kind]} (${RESOURCE_LABELS[resource]})` : AMOUNT_LABEL[kind]}
              type="number"
              inputMode="numeric"
              min={1}
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              error={fields.amount}
              required
            />
            <TextAreaField
              id="request-reason"
              label="Why do you need it?"
              className="sm:col-span-2"
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              error={fields.reason}
              hint="At least 5 characters. The person who decides sees this."
              required
            />
            <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
              <Button type="submit" pending={pending} pendingLabel="Sending…" data-testid="request-submit">
                Send request
              </Button>
              {sent && (
                <span role="status" className="text-sm text-green-800">
                  {sent}
                </span>
              )}
            </div>
            {formError && (
              <Alert tone="error" className="sm:col-span-2">
                {formError}
              </Alert>
            )}
          </form>
        </section>
      )}

      {role !== "ADMIN" && (
        <RequestsList
          scope="mine"
          canDecide={false}
          isAdmin={false}
          reloadKey={reloadKey}
          title="My requests"
          testId="my-requests"
        />
      )}
      {role === "TEACHER" && (
        <RequestsList
          scope="classes"
          canDecide
          isAdmin={false}
          title="Hours requests from my students"
          testId="class-requests"
        />
      )}
    </div>
  );
}
