// Settings admins change at run time, stored as JSON in the Setting table; each key has a zod schema and a default.
import { z } from "zod";
import { db } from "@/server/db/client";

export const SETTINGS = {
  /** New people may create a (student) account through an invite link. */
  selfSignup: { schema: z.boolean(), default: false },
} as const;

type Settings = typeof SETTINGS;
export type SettingKey = keyof Settings;
type ValueOf<K extends SettingKey> = z.infer<Settings[K]["schema"]>;

export async function getSetting<K extends SettingKey>(key: K): Promise<ValueOf<K>> {
  const row = await db().setting.findUnique({ where: { key } });
  if (!row) return SETTINGS[key].default as ValueOf<K>;
  try {
    const parsed = SETTINGS[key].schema.safeParse(JSON.parse(row.value));
    return (parsed.success ? parsed.data : SETTINGS[key].default) as ValueOf<K>;
  } catch {
    return SETTINGS[key].default as ValueOf<K>;
  }
}

export async function setSetting<K extends SettingKey>(key: K, value: ValueOf<K>): Promise<void> {
  const json = JSON.stringify(SETTINGS[key].schema.parse(value));
  await db().setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
}
