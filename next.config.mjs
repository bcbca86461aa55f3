// Fails the build on a bad environment before anything else runs (see src/env.ts).
import { execFileSync } from "node:child_process";

execFileSync(process.execPath, ["--import", "tsx", "scripts/check-env.ts"], { stdio: "inherit" });

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Tests may run several development servers side by side; each gets its own build folder.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // Native and Node-only modules stay outside the bundle (they are loaded by server.ts too).
  serverExternalPackages: ["@node-rs/argon2", "better-sqlite3", "pg", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "ws", "dockerode", "docker-modem", "ssh2"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
