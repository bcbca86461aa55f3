import type { Metadata } from "next";
import { VpnClient } from "@/components/vpn/vpn-client";
import { requirePageActor } from "@/server/auth/page-actor";
import { myVpn } from "@/server/vpn/api";

export const metadata: Metadata = { title: "VPN" };
export const dynamic = "force-dynamic";

export default async function VpnPage() {
  const actor = await requirePageActor(undefined, "/vpn");
  const initial = await myVpn(actor);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Lab VPN</h1>
        <p className="mt-1 text-sm text-slate-600">
          Reach your lab machines from your own computer (RDP, SSH, the web apps you build) through the lab&apos;s
          OpenVPN server. Your profile only reaches the machines you may use.
        </p>
      </div>
      <VpnClient initial={initial} />
    </div>
  );
}
