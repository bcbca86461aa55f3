// /ws/events: the live push channel. Forwards bus events the signed-in user may see.
import type { WebSocket } from "ws";
import type { Actor } from "@/server/auth/actor";
import { bus, canReceive, type PortalEvent } from "@/server/events/bus";

export function handleEventsSocket(ws: WebSocket, actor: Actor): void {
  const listener = (event: PortalEvent) => {
    if (canReceive(event, actor) && ws.readyState === ws.OPEN)
      ws.send(JSON.stringify({ type: event.type, data: event.data }));
  };
  bus().on("event", listener);
  ws.on("close", () => bus().off("event", listener));
  ws.on("message", () => {
    // the channel is one-way; anything sent by the client is ignored
  });
  ws.send(JSON.stringify({ type: "hello", data: { userId: actor.id, role: actor.role } }));
}
