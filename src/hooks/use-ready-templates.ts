"use client";

// The templates a new machine or class can start from: the READY ones, loaded once; or why they could not be.
import { useEffect, useState } from "react";
import type { TemplateOption } from "@/components/machines/types";
import { api } from "@/lib/api";

export function useReadyTemplates<T extends TemplateOption = TemplateOption>() {
  const [templates, setTemplates] = useState<T[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const res = await api<{ items: T[] }>("/api/templates");
      if (cancelled) return;
      if (res.ok) setTemplates(res.data.items.filter((t) => t.status === "READY"));
      else setLoadError(`Could not load the templates: ${res.error.message}`);
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  return { templates, loadError, setLoadError };
}
