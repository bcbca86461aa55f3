// Route contracts of the lab timers: what a lab card counts down (idle shutdown, hours left) and "keep running".
import { defineRoute } from "@/server/http/route-spec";
import { ZId } from "@/server/http/zod-fragments";
import { ZMachineTimers } from "./timers";

export const meterRoutes = {
  timers: defineRoute({
    method: "GET",
    path: "/api/machines/{id}/timers",
    summary:
      "A machine's timers: when idle shutdown comes (no console open) and the lab time its owner has left this month",
    tag: "Machines",
    access: "any",
    params: ZId,
    response: ZMachineTimers,
  }),
  keepRunning: defineRoute({
    method: "POST",
    path: "/api/machines/{id}/keep-running",
    summary:
      "Hold a running class machine's idle shutdown off for the class's idle minutes from now (never past the lab time left)",
    tag: "Machines",
    access: "any",
    params: ZId,
    response: ZMachineTimers,
  }),
};
