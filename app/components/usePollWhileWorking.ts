import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

/**
 * Re-runs the page's loaders every `intervalMs` while `working` is true (and the tab is visible),
 * so progress updates without reloading the page. Nothing runs during server rendering.
 */
export function usePollWhileWorking(working: boolean, intervalMs = 2000): void {
  const revalidator = useRevalidator();
  const idle = revalidator.state === "idle";
  useEffect(() => {
    if (!working || !idle) return;
    const timer = window.setTimeout(() => {
      if (document.visibilityState === "visible") revalidator.revalidate();
    }, intervalMs);
    return () => window.clearTimeout(timer);
  }, [working, idle, intervalMs, revalidator]);
}
