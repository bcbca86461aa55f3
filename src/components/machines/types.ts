// Shapes the machines pages receive from the API (kept in step with the route contracts by type).
import type { z } from "zod";
import type { THostRow } from "@/server/hosts/routes";
import type { TMachineRow, ZJobView } from "@/server/machines/routes";
import type { TTemplateRow } from "@/server/templates/routes";

export type TJobView = z.infer<typeof ZJobView>;
export type MachineList = { items: TMachineRow[]; total: number; page: number; pageSize: number };
export type CreateMachinesResult = { job: TJobView; machines: TMachineRow[] };
export type TemplateOption = Pick<TTemplateRow, "id" | "name" | "kind" | "status" | "vcpus" | "memoryMb" | "diskGb">;
export type HostOption = Pick<THostRow, "id" | "name" | "kind" | "status" | "cordoned" | "draining">;
