// The shared test portal runs with the VPN off (the default): pages say so, issuing is refused with a 409 that
// says who can turn it on (503 is for a portal that is down), unknown ids are 404 first, nothing is made; the
// pages render for each role.
import { describe, expect, it } from "vitest";
import { signedIn, signedInAdmin } from "../support/users";

describe("VPN turned off", () => {
  it("shows the state and refuses profiles with a clear message", async () => {
    const { client } = await signedIn("STUDENT");
    const me = await client.json<{ enabled: boolean; certificate: unknown }>("/api/vpn");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ enabled: false, certificate: null });
    const create = await client.json<{ error: { code: string; message: string } }>("/api/vpn/certificate", {
      method: "POST",
    });
    expect(create.status).toBe(409);
    expect(create.body.error).toMatchObject({
      code: "FEATURE_OFF",
      message: "The lab VPN is turned off; an admin can turn it on in Admin → VPN.",
    });
    const profile = await client.json<{ error: { code: string } }>("/api/vpn/profile");
    expect(profile.status).toBe(409);
    expect(profile.body.error.code).toBe("FEATURE_OFF");
    const revoke = await client.json<{ error: { code: string } }>("/api/vpn/certificate", { method: "DELETE" });
    expect(revoke.status).toBe(404);
    const page = await client.fetch("/vpn");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("The lab VPN is not enabled");
  });

  it("the admin page renders and the admin API answers", async () => {
    const admin = await signedInAdmin();
    const page = await admin.fetch("/admin/vpn");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("VPN server");
    const ov = await admin.json<{ enabled: boolean; server: { reachable: boolean } }>("/api/admin/vpn");
    expect(ov.status).toBe(200);
    expect(ov.body).toMatchObject({ enabled: false, server: { reachable: false } });
    const fw = await admin.json<{ error: { code: string } }>("/api/admin/vpn/firewall", { method: "POST" });
    expect(fw.status).toBe(409);
    expect(fw.body.error.code).toBe("FEATURE_OFF");
    const missing = await admin.json<{ error: { code: string } }>("/api/admin/vpn/certificates/nope/revoke", {
      method: "POST",
      json: {},
    });
    expect(missing.status).toBe(404);
    // an unknown id is a 404 before "the VPN is off"
    const rotateMissing = await admin.json<{ error: { code: string } }>("/api/admin/vpn/certificates/nope/rotate", {
      method: "POST",
    });
    expect(rotateMissing.status).toBe(404);
    const { client: student } = await signedIn("STUDENT");
    expect((await student.fetch("/admin/vpn")).status).toBe(307);
  });
});
