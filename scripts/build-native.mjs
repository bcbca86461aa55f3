#!/usr/bin/env node
// Builds native/build/wspump.node from native/wspump.c (the console bridge's zero-copy display → browser pump,
// see src/server/console/native-pump.ts). Run by `npm install` (postinstall); safe to rerun, and it rebuilds
// only when the source or Node's ABI changed. It needs a C compiler and Node's headers (Debian: gcc and the
// headers that come with nodejs, or `npm config get nodedir`). Without them it prints why and exits 0: the
// portal then bridges in JavaScript, and the test suite (tests/unit/wspump.test.ts) fails on Linux.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "native", "wspump.c");
const outDir = join(root, "native", "build");
const out = join(outDir, "wspump.node");
const stamp = join(outDir, "wspump.stamp");

function headerDirs() {
  const dirs = [];
  if (process.env.npm_config_nodedir) dirs.push(join(process.env.npm_config_nodedir, "include", "node"));
  dirs.push(join(dirname(process.execPath), "..", "include", "node"), "/usr/include/node", "/usr/local/include/node");
  return dirs.filter((d) => existsSync(join(d, "node_api.h")));
}

function main() {
  if (process.platform !== "linux")
    return console.log(`build-native: skipped (${process.platform}); consoles bridge in JavaScript`);
  const want = `${statSync(source).mtimeMs}:${readFileSync(source).length}:${process.versions.modules}:${process.versions.napi}`;
  if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, "utf8") === want)
    return console.log("build-native: native/build/wspump.node is up to date");
  const [include] = headerDirs();
  if (!include)
    return console.warn("build-native: Node's headers (node_api.h) were not found; consoles bridge in JavaScript");
  const cc = process.env.CC || "cc";
  mkdirSync(outDir, { recursive: true });
  const tmp = `${out}.tmp`;
  try {
    execFileSync(
      cc,
      [
        "-O2",
        "-fPIC",
        "-shared",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-DNODE_GYP_MODULE_NAME=wspump",
        "-I",
        include,
        "-o",
        tmp,
        source,
        "-lpthread",
      ],
      { stdio: "inherit" },
    );
  } catch (error) {
    return console.warn(`build-native: ${cc} failed (${error.message}); consoles bridge in JavaScript`);
  }
  renameSync(tmp, out);
  writeFileSync(stamp, want);
  console.log(`build-native: built native/build/wspump.node (${include})`);
}

main();
