import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";

import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import { getSyncOverview, type ResourceStatusRow, type RunStatus } from "../sync/status.server";

export const meta: MetaFunction = () => [{ title: "StoreSync dashboard" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return getSyncOverview(db, session.shop);
};

const STATUS_BADGE: Record<
  RunStatus,
  { tone?: "success" | "critical" | "attention" | "info"; label: string }
> = {
  never: { label: "Not synced yet" },
  queued: { tone: "info", label: "Queued" },
  running: { tone: "attention", label: "Syncing" },
  succeeded: { tone: "success", label: "Synced" },
  failed: { tone: "critical", label: "Failed" },
  canceled: { label: "Canceled" },
  paused: { tone: "attention", label: "Paused" },
};

const numberFormat = new Intl.NumberFormat("en-US");

function formatTime(iso: string | null): string {
  if (!iso) return "Never";
  return (
    new Date(iso).toLocaleString("en-US", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "UTC",
    }) + " UTC"
  );
}

export function resourceTableRows(resources: ResourceStatusRow[]) {
  return resources.map((resource) => {
    const badge = STATUS_BADGE[resource.status];
    return [
      resource.label,
      numberFormat.format(resource.count),
      formatTime(resource.lastSyncedAt),
      <Badge key={resource.key} tone={badge.tone}>
        {badge.label}
      </Badge>,
    ];
  });
}

export default function Dashboard() {
  const overview = useLoaderData<typeof loader>();

  return (
    <Page title="Dashboard">
      <TitleBar title="StoreSync" />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Sync status
              </Text>
              <Text as="p" variant="bodyMd">
                {overview.summary}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <DataTable
              columnContentTypes={["text", "numeric", "text", "text"]}
              headings={["Data", "Rows stored", "Last synced", "Status"]}
              rows={resourceTableRows(overview.resources)}
            />
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
