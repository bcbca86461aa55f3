// Fails the build on a bad environment before anything else runs (see src/env.ts).
import { execFileSync } from "node:child_process";

execFileSync(process.execPath, ["--import", "tsx", "scripts/check-env.ts"], { stdio: "inherit" });

// Content-Security-Policy for every page. Next's own inline bootstrap scripts and React's inline styles need
// 'unsafe-inline' (no nonces: pages are served from the build as is); development adds 'unsafe-eval' for Next's
// hot reload. noVNC, SPICE and xterm run from the page's own scripts and talk over WebSockets to this origin
// (connect-src ws:/wss: as some browsers do not count them as 'self'); noVNC's cursor and screenshots are
// data:/blob: images. HSTS is sent by server.ts when PUBLIC_URL is https (a run-time setting, not a build one).
const dev = process.env.NODE_ENV !== "production";
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "media-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Tests may run several development servers side by side; each gets its own build folder.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // Native and Node-only modules stay outside the bundle (they are loaded by server.ts too).
  serverExternalPackages: [
    "@node-rs/argon2",
    "better-sqlite3",
    "pg",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "ws",
    "dockerode",
    "docker-modem",
    "ssh2",
  ],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
        ],
      },
    ];
  },
};

export default nextConfig;
