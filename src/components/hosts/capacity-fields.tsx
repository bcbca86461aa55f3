"use client";

// The capacity the portal may use on a host (vCPUs, RAM, disk, machines): the same four whole-number fields when a
// host is added and when it is edited.
import { TextField } from "@/components/ui/field";

const CAPACITY = [
  { key: "vcpus", id: "vcpus", label: "vCPUs", min: 1 },
  { key: "memoryMb", id: "memory", label: "RAM (MiB)", min: 64 },
  { key: "diskGb", id: "disk", label: "Disk (GB)", min: 1 },
  { key: "maxMachines", id: "max-machines", label: "Max machines", min: 1 },
] as const;

export type CapacityKey = (typeof CAPACITY)[number]["key"];
export const CAPACITY_KEYS: readonly CapacityKey[] = CAPACITY.map((f) => f.key);
export const isCapacityKey = (key: string): key is CapacityKey => (CAPACITY_KEYS as readonly string[]).includes(key);

/** "Enter a whole number." for each capacity field of `values` that is not one. */
export function capacityErrors(values: Record<CapacityKey, string>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const key of CAPACITY_KEYS) if (!/^\d+$/.test(values[key].trim())) errors[key] = "Enter a whole number.";
  return errors;
}

type Bound = { value: string; error?: string; onChange: (e: { target: { value: string } }) => void };

export function CapacityFields({ idPrefix, bind }: { idPrefix: string; bind: (key: CapacityKey) => Bound }) {
  return CAPACITY.map((f) => (
    <TextField
      key={f.key}
      id={`${idPrefix}-${f.id}`}
      label={f.label}
      type="number"
      inputMode="numeric"
      min={f.min}
      {...bind(f.key)}
    />
  ));
}
