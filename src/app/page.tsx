import { redirect } from "next/navigation";
import { currentActor } from "@/server/auth/page-actor";
import { isStudent } from "@/server/auth/permissions";

// The landing page after sign-in: students start on My labs, everyone else on the dashboard.
export default async function Home() {
  const actor = await currentActor();
  redirect(actor && isStudent(actor) ? "/labs" : "/dashboard");
}
