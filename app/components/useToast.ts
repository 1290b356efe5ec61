import { useAppBridge } from "@shopify/app-bridge-react";
import { useEffect, useRef } from "react";

/**
 * Shows an App Bridge toast once for each new `message` (e.g. a fetcher's result). Nothing happens
 * during server rendering; outside Shopify Admin (no App Bridge) it stays silent.
 */
export function useToast(message: string | null | undefined, isError = false): void {
  const shopify = useAppBridge();
  const shown = useRef<string | null>(null);
  useEffect(() => {
    if (!message || shown.current === message) return;
    shown.current = message;
    try {
      shopify.toast.show(message, { isError });
    } catch {
      // App Bridge not loaded (tests, plain browser): the page shows the result inline too.
    }
  }, [message, isError, shopify]);
}
