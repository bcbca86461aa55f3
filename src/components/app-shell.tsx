"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useState } from "react";
import type { NavItem } from "@/lib/navigation";

type Props = { user: { name: string; email: string; role: string }; nav: NavItem[]; children: React.ReactNode };

export function AppShell({ user, nav, children }: Props) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const links = nav.map((item) => {
    const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
    return (
      <Link
        key={item.href}
        href={item.href}
        onClick={() => setOpen(false)}
        aria-current={active ? "page" : undefined}
        className={`block rounded-md px-3 py-2 text-sm font-medium ${active ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100"}`}
      >
        {item.label}
      </Link>
    );
  });
  return (
    <div className="min-h-screen md:flex">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 md:hidden">
        <span className="font-semibold">Lab Portal</span>
        <button
          type="button"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen(!open)}
          className="rounded-md border border-slate-300 px-3 py-1 text-sm"
        >
          {open ? "Close" : "Menu"}
        </button>
      </header>
      <aside
        id="main-nav"
        className={`${open ? "block" : "hidden"} border-b border-slate-200 bg-white p-4 md:block md:w-60 md:shrink-0 md:border-r md:border-b-0`}
      >
        <div className="mb-6 hidden text-lg font-semibold md:block">Lab Portal</div>
        <nav aria-label="Main" className="space-y-1">
          {links}
        </nav>
        <div className="mt-6 border-t border-slate-200 pt-4 text-sm">
          <div className="font-medium" data-testid="current-user">
            {user.name}
          </div>
          <div className="truncate text-slate-500">{user.email}</div>
          <div className="mt-1 inline-block rounded bg-slate-100 px-2 py-0.5 text-xs uppercase tracking-wide text-slate-600">
            {user.role.toLowerCase()}
          </div>
          <button
            type="button"
            onClick={() => signOut({ callbackUrl: "/login" })}
            className="mt-3 block text-brand-600 hover:underline"
          >
            Sign out
          </button>
        </div>
      </aside>
      <main className="min-w-0 flex-1 p-4 md:p-8">{children}</main>
    </div>
  );
}
