import { describe, expect, it } from "vitest";
import { ZCreateHost, ZTestHost } from "../../src/server/hosts/routes";
import { dockerUriProblem, libvirtUriProblem } from "../../src/server/hosts/uri";

describe("libvirt URIs", () => {
  it.each([
    "qemu:///system",
    "qemu:///session",
    "qemu://host.example/system",
    "qemu+tls://host.example/system?pkipath=/etc/pki/lab",
    "qemu+tcp://127.0.0.1:1/system",
    "qemu+ssh://root@127.0.0.1:2222/system?keyfile=/var/lib/lab/id&no_verify=1&no_tty=1",
    "qemu+ssh://lab-admin@[::1]/system",
  ])("accepts %s", (uri) => {
    expect(libvirtUriProblem(uri)).toBeNull();
  });

  it.each([
    ["qemu+ext:///system?command=/usr/bin/touch%20/tmp/pwned", /transport "qemu\+ext" is not supported/],
    ["qemu+unix:///system?socket=/tmp/evil.sock", /transport "qemu\+unix" is not supported/],
    ["qemu+libssh2://host/system", /not supported/],
    ["qemu+ssh://host/system?command=/bin/sh", /parameter "command" is not allowed/],
    ["qemu+ssh://host/system?netcat=/tmp/nc", /parameter "netcat" is not allowed/],
    ["qemu+ssh://host/system?socket=/tmp/x", /parameter "socket" is not allowed/],
    ["qemu+ssh://host/system?proxy=native", /parameter "proxy" is not allowed/],
    ["qemu+ssh://host/system?mode=legacy", /parameter "mode" is not allowed/],
    ["qemu+ssh://host/system?keyfile=relative/id", /absolute path/],
    ["qemu+ssh://host/system?keyfile=/a/../etc/shadow", /absolute path/],
    ["qemu+ssh://host/system?keyfile=/a&keyfile=/b", /given twice/],
    ["qemu+ssh://-oProxyCommand=touch/system", /host name in the URI is not valid/],
    ["qemu+ssh:///system", /needs a host name/],
    ["qemu+tcp://host/system?no_verify=1", /takes no parameters/],
    ["qemu:///system?socket=/tmp/x", /takes no parameters/],
    ["qemu:///embed?root=/tmp/x", /ends in \/system or \/session/],
    ["qemu+ssh://u:secret@host/system", /password/],
    ["xen:///system", /not supported/],
    ["not a uri", /looks like/],
  ])("refuses %s", (uri, why) => {
    expect(libvirtUriProblem(uri)).toMatch(why);
  });
});

describe("Docker endpoints", () => {
  it.each([
    "unix:///var/run/docker.sock",
    "unix:///run/docker.sock",
    "unix:///run/user/1000/docker.sock",
    "tcp://127.0.0.1:2376",
    "https://docker.example:2376",
    `ssh://root@127.0.0.1:2222?keyfile=/var/lib/lab/id&fingerprint=SHA256:${"A".repeat(43)}`,
  ])("accepts %s", (uri) => {
    expect(dockerUriProblem(uri)).toBeNull();
  });

  it.each([
    ["unix:///var/run/libvirt/libvirt-sock", /Only Docker's own socket/],
    ["unix:///tmp/../var/run/docker.sock", /Only Docker's own socket/],
    ["npipe:////./pipe/docker_engine", /not supported/],
    ["tcp://host:2376/path", /no path/],
    ["tcp://host:2376?x=1", /takes no parameters/],
    ["ssh://host?command=/bin/sh", /parameter "command" is not allowed/],
    ["ssh://host?fingerprint=md5:aa", /"fingerprint" must be SHA256/],
  ])("refuses %s", (uri, why) => {
    expect(dockerUriProblem(uri)).toMatch(why);
  });
});

describe("the hosts contracts", () => {
  it("answer with a field message on the uri", () => {
    const test = ZTestHost.safeParse({
      kind: "LIBVIRT",
      uri: "qemu+ext:///system?command=/usr/bin/touch%20/tmp/pwned",
    });
    expect(test.success).toBe(false);
    expect(test.error?.issues[0]).toMatchObject({ path: ["uri"], message: expect.stringMatching(/not supported/) });
    const create = ZCreateHost.safeParse({
      name: "d",
      kind: "DOCKER",
      uri: "unix:///tmp/x.sock",
      vcpus: 1,
      memoryMb: 64,
      diskGb: 1,
      maxMachines: 1,
    });
    expect(create.success).toBe(false);
    expect(create.error?.issues[0]?.path).toEqual(["uri"]);
  });
});
