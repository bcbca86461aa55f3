// Who is acting, and from where: the one argument every use case that changes something takes first
// (`createUser(ctx, input)`), instead of an actor and a trailing `ip`. The audit log needs both.
import type { Actor } from "./actor";

export type Ctx<A extends Pick<Actor, "id" | "email"> = Actor> = { actor: A; ip: string | null };
