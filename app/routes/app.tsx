import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";

import { env } from "../env.server";
import { authenticate } from "../shopify.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

/** Path of the App Bridge stand-in the store simulator serves (dev/test/demo only). */
export const SIMULATOR_APP_BRIDGE_PATH = "/app-bridge.js";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return {
    apiKey: env.SHOPIFY_API_KEY,
    // Real App Bridge loads from Shopify's CDN; the simulator serves a local stand-in instead.
    appBridgeUrl: env.STORESYNC_SIMULATOR_URL
      ? new URL(SIMULATOR_APP_BRIDGE_PATH, env.STORESYNC_SIMULATOR_URL).href
      : null,
  };
};

export const NAV_LINKS = [
  { to: "/app", label: "Dashboard" },
  { to: "/app/insights", label: "Store at a glance" },
  { to: "/app/data", label: "Data" },
  { to: "/app/activity", label: "Activity" },
  { to: "/app/integrity", label: "Integrity" },
  { to: "/app/errors", label: "Records in error" },
  { to: "/app/settings", label: "Settings" },
] as const;

export default function App() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();

  return (
    <AppProvider
      isEmbeddedApp
      apiKey={apiKey}
      {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}
    >
      <NavMenu>
        {NAV_LINKS.map((link, index) => (
          <Link key={link.to} to={link.to} {...(index === 0 ? { rel: "home" } : {})}>
            {link.label}
          </Link>
        ))}
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
