// Navigation per role: one list, used by the shell on wide and narrow screens.
export type NavItem = { href: string; label: string; roles: readonly ("ADMIN" | "TEACHER" | "STUDENT")[] };

const ALL = ["ADMIN", "TEACHER", "STUDENT"] as const;

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/dashboard", label: "Dashboard", roles: ALL },
  { href: "/labs", label: "My labs", roles: ALL },
  { href: "/classes", label: "Classes", roles: ALL },
  { href: "/machines", label: "Machines", roles: ALL },
  { href: "/jobs", label: "Jobs", roles: ALL },
  { href: "/vpn", label: "VPN", roles: ALL },
  { href: "/templates", label: "Templates", roles: ["ADMIN", "TEACHER"] },
  { href: "/admin/hosts", label: "Hosts", roles: ["ADMIN"] },
  { href: "/admin/users", label: "Users", roles: ["ADMIN"] },
  { href: "/admin/quotas", label: "Quotas", roles: ["ADMIN"] },
  { href: "/admin/consoles", label: "Consoles", roles: ["ADMIN"] },
  { href: "/admin/vpn", label: "VPN server", roles: ["ADMIN"] },
  { href: "/admin/tokens", label: "API tokens", roles: ["ADMIN"] },
  { href: "/admin/audit", label: "Audit log", roles: ["ADMIN"] },
  { href: "/docs/api", label: "API docs", roles: ["ADMIN", "TEACHER"] },
  { href: "/requests", label: "Quota & requests", roles: ALL },
  { href: "/profile", label: "Profile", roles: ALL },
];

export function navFor(role: NavItem["roles"][number]): NavItem[] {
  return NAV_ITEMS.filter((item) => item.roles.includes(role));
}
