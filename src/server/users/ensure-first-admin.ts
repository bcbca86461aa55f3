// On the first start (no admin yet) create the admin from ADMIN_EMAIL / ADMIN_PASSWORD. Without a password,
// one is generated; the admin is asked to change it at first sign-in. The generated password never goes into a
// log (nor through the logger, which writes logs/portal.log): it is written straight to stderr when that is a
// terminal, otherwise (systemd's journal, quickstart.sh's background start) once into
// DATA_DIR/first-admin-password (0600), which quickstart.sh prints and deletes.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { env } from "@/env";
import { recordAudit } from "@/server/audit/record";
import { generatePassword, hashPassword } from "@/server/auth/passwords";
import { db } from "@/server/db/client";
import { logger } from "@/server/log";
import { searchTextOf } from "./search-text";

export async function ensureFirstAdmin(log: (line: string) => void = (line) => logger().info(line)): Promise<void> {
  if (await db().user.findFirst({ where: { role: "ADMIN" }, select: { id: true } })) return;
  const { ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_NAME } = env();
  const email = ADMIN_EMAIL.toLowerCase();
  const password = ADMIN_PASSWORD ?? generatePassword();
  const user = await db().user.upsert({
    where: { email },
    create: {
      email,
      name: ADMIN_NAME,
      searchText: searchTextOf(email, ADMIN_NAME),
      role: "ADMIN",
      passwordHash: await hashPassword(password),
      mustChangePassword: !ADMIN_PASSWORD,
    },
    update: { role: "ADMIN", disabledAt: null },
  });
  await recordAudit({ action: "user.seed-admin", target: { type: "user", id: user.id, name: email } });
  if (ADMIN_PASSWORD) {
    log(`First admin created: ${email} (password from ADMIN_PASSWORD)`);
  } else if (!process.stderr.isTTY) {
    const file = firstAdminPasswordFile();
    mkdirSync(resolve(env().DATA_DIR), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    log(
      `First admin created: ${email}. Its generated password is in ${file} (readable by this user only): sign in with it, then delete the file.`,
    );
  } else {
    log(`First admin created: ${email}. Its generated password is shown once on this terminal.`);
    process.stderr.write(
      [
        "",
        "  ┌──────────────────────────────────────────────────────────────",
        `  │ First admin created: ${email}`,
        `  │ Password (shown once): ${password}`,
        "  │ You will be asked to choose your own at first sign-in.",
        "  └──────────────────────────────────────────────────────────────",
        "",
        "",
      ].join("\n"),
    );
  }
}

/** Where a generated first-admin password waits for the operator when the output is not a terminal. */
export function firstAdminPasswordFile(): string {
  return join(resolve(env().DATA_DIR), "first-admin-password");
}
