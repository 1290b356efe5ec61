import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";

import { formatDateTime, formatNumber } from "../components/format";
import { RouteError } from "../components/RouteError";
import { usePollWhileWorking } from "../components/usePollWhileWorking";
import { useToast } from "../components/useToast";
import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import type { ResourceStatusRow, RunStatus, SyncOverview } from "../sync/status.server";
import {
  type DashboardData,
  type OverallState,
  type ResourceProgress,
  getDashboard,
} from "../ui/dashboard.server";

export const meta: MetaFunction = () => [{ title: "StoreSync dashboard" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return getDashboard(db, session.shop);
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

const STATE_TONE: Record<OverallState, "success" | "critical" | "attention" | "info" | undefined> =
  {
    installing: "info",
    backfilling: "attention",
    live: "success",
    paused: undefined,
    needs_attention: "critical",
  };

/**
 * The cell keeps one size whether it shows a progress bar or "Complete": otherwise every row
 * grows (and the columns move) when a sync starts and shrinks when it ends, shifting the page under
 * the merchant's eyes while the dashboard revalidates itself (cumulative layout shift).
 */
const PROGRESS_CELL_STYLE = {
  minHeight: 28,
  minWidth: 160,
  display: "flex",
  flexDirection: "column",
  justifyContent: "center",
} as const;

function ProgressCell({ progress, label }: { progress?: ResourceProgress; label: string }) {
  if (!progress || (progress.status !== "running" && progress.status !== "queued")) {
    return (
      <div style={PROGRESS_CELL_STYLE}>
        <Text as="span">{progress?.status === "succeeded" ? "Complete" : "—"}</Text>
      </div>
    );
  }
  const expected = progress.expected;
  return (
    <div style={PROGRESS_CELL_STYLE}>
      <BlockStack gap="100">
        <ProgressBar progress={progress.percent ?? 0} size="small" tone="highlight" />
        <Text as="span" variant="bodySm" tone="subdued">
          {`${formatNumber(progress.downloaded)} downloaded, ${formatNumber(progress.refined)} stored`}
          {expected ? ` of ${formatNumber(expected)}` : ""}
          <Text as="span" visuallyHidden>{` for ${label}`}</Text>
        </Text>
      </BlockStack>
    </div>
  );
}

export function resourceTableRows(
  resources: ResourceStatusRow[],
  progress: Record<string, ResourceProgress> = {},
) {
  return resources.map((resource) => {
    const badge = STATUS_BADGE[resource.status];
    const p = progress[resource.key];
    return [
      resource.label,
      formatNumber(resource.count),
      p?.remote === null || p?.remote === undefined ? "—" : formatNumber(p.remote),
      <ProgressCell key={`${resource.key}-progress`} progress={p} label={resource.label} />,
      p?.errors ? (
        <Link key={`${resource.key}-errors`} url={`/app/errors?resource=${resource.key}`}>
          {formatNumber(p.errors)}
        </Link>
      ) : (
        "0"
      ),
      // Widths of the longest values, so the columns do not move as "Never" becomes a date.
      <span key={`${resource.key}-synced`} style={{ display: "inline-block", minWidth: 190 }}>
        {formatDateTime(resource.lastSyncedAt)}
      </span>,
      <span key={resource.key} style={{ display: "inline-block", minWidth: 110 }}>
        <Badge tone={badge.tone}>{badge.label}</Badge>
      </span>,
    ];
  });
}

type SyncResult = { started?: { resource: string }[]; alreadyRunning?: string[] };
type VerifyResult = { ok: boolean; message: string };

function syncToast(data: SyncResult | undefined): string | null {
  if (!data) return null;
  const started = data.started?.length ?? 0;
  if (started > 0) return `Sync started for ${started} kind${started === 1 ? "" : "s"} of data`;
  return "A sync is already running";
}

export default function Dashboard() {
  // The loader returns DashboardData; the extra fields are optional here so the page also renders
  // a bare SyncOverview (older callers and tests).
  const data = useLoaderData<typeof loader>() as SyncOverview & Partial<DashboardData>;
  const sync = useFetcher<SyncResult>();
  const verify = useFetcher<VerifyResult>();
  usePollWhileWorking(Boolean(data.working) || sync.state !== "idle" || verify.state !== "idle");
  useToast(sync.state === "idle" ? syncToast(sync.data) : null);
  useToast(verify.state === "idle" ? verify.data?.message : null, verify.data?.ok === false);

  const state = data.state;
  const webhooks = data.webhooks;
  const errorsTotal = data.recordErrorsTotal ?? 0;

  return (
    <Page
      title="Dashboard"
      primaryAction={{
        content: "Sync now",
        loading: sync.state !== "idle",
        onAction: () => sync.submit({}, { method: "post", action: "/app/sync" }),
      }}
      secondaryActions={[
        {
          content: "Verify integrity",
          loading: verify.state !== "idle",
          onAction: () =>
            verify.submit({ intent: "verify" }, { method: "post", action: "/app/integrity" }),
        },
      ]}
    >
      <TitleBar title="StoreSync" />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Sync status
                </Text>
                {state ? <Badge tone={STATE_TONE[state]}>{data.stateTitle ?? state}</Badge> : null}
              </InlineStack>
              <Text as="p" variant="bodyMd">
                {data.summary}
              </Text>
              {data.stateDescription ? (
                <Text as="p" variant="bodyMd" tone="subdued">
                  {data.stateDescription}
                </Text>
              ) : null}
              <div aria-live="polite" style={{ minHeight: 20 }}>
                {data.working ? (
                  <Text as="p" variant="bodySm" tone="subdued">
                    Updating automatically while StoreSync works…
                  </Text>
                ) : null}
              </div>
            </BlockStack>
          </Card>
        </Layout.Section>
        {errorsTotal > 0 ? (
          <Layout.Section>
            <Banner
              tone="warning"
              title={`${formatNumber(errorsTotal)} records could not be processed`}
              action={{ content: "Review records in error", url: "/app/errors" }}
            >
              <Text as="p">They are kept exactly as Shopify sent them and can be retried.</Text>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card padding="0">
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "text", "numeric", "text", "text"]}
              headings={[
                "Data",
                "Rows stored",
                "In Shopify",
                "Progress",
                "Errors",
                "Last synced",
                "Status",
              ]}
              rows={resourceTableRows(data.resources, data.progress)}
            />
          </Card>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Live updates from Shopify
                </Text>
                {webhooks?.lastReceivedAt ? (
                  <BlockStack gap="100">
                    <Text as="p">
                      Last update received: {formatDateTime(webhooks.lastReceivedAt, "None yet")}
                      {webhooks.lastTopic ? ` (${webhooks.lastTopic})` : ""}
                    </Text>
                    <Text as="p">
                      Last 24 hours: {formatNumber(webhooks.received24h)} received,{" "}
                      {formatNumber(webhooks.failed24h)} failed,{" "}
                      {formatNumber(webhooks.duplicates24h)} duplicates ignored
                    </Text>
                  </BlockStack>
                ) : (
                  <Text as="p" tone="subdued">
                    No live updates received yet.
                  </Text>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Your store at a glance
                </Text>
                <Text as="p">Orders, net sales and refunds per day, from your synced data.</Text>
                <InlineStack>
                  <Button url="/app/insights" accessibilityLabel="View store charts">
                    View charts
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Dashboard" />;
}
