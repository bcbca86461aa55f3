import type { Metadata } from "next";
import { VpnAdmin } from "@/components/vpn/vpn-admin";
import { requirePageActor } from "@/server/auth/page-actor";

export const metadata: Metadata = { title: "VPN server" };
export const dynamic = "force-dynamic";

export default async function AdminVpnPage() {
  await requirePageActor(["ADMIN"], "/admin/vpn");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">VPN server</h1>
        <p className="mt-1 text-sm text-slate-600">
          Connected clients, certificates with their expiry, revocation and the isolation firewall. Refreshes every few
          seconds.
        </p>
      </div>
      <VpnAdmin />
    </div>
  );
}
