import { type ReactNode, useEffect, useState } from "react";

/** Renders `fallback` on the server and at first paint, then `children()` once mounted. */
export function ClientOnly({
  children,
  fallback,
}: {
  children: () => ReactNode;
  fallback: ReactNode;
}) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return <>{mounted ? children() : fallback}</>;
}
