import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { BlockStack, Card, InlineGrid, Layout, Page, Select, Text } from "@shopify/polaris";

import { EmptyMessage } from "../components/EmptyMessage";
import { formatDate, formatMoney, formatNumber } from "../components/format";
import { MetricsChartsLazy } from "../components/MetricsChartsLazy";
import { RouteError } from "../components/RouteError";
import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import { getDailyMetrics, parseRange } from "../ui/metrics.server";
import { METRIC_RANGES } from "../ui/options";

export const meta: MetaFunction = () => [{ title: "Store at a glance · StoreSync" }];

export const links: LinksFunction = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const range = parseRange(new URL(request.url).searchParams.get("range"));
  return getDailyMetrics(db, session.shop, range);
};

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg">
          {value}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function InsightsPage() {
  const metrics = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const money = (n: number) => formatMoney(n, metrics.currencyCode);
  return (
    <Page
      title="Store at a glance"
      subtitle={`${formatDate(metrics.from)} – ${formatDate(metrics.to)}`}
    >
      <TitleBar title="Store at a glance" />
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="400" alignItems="end">
            <Select
              label="Date range"
              options={METRIC_RANGES.map((r) => ({ label: r.label, value: r.value }))}
              value={metrics.range}
              onChange={(value) => {
                const next = new URLSearchParams(params);
                next.set("range", value);
                setParams(next, { preventScrollReset: true });
              }}
            />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
            <Stat label="Orders" value={formatNumber(metrics.totals.orders)} />
            <Stat label="Net sales" value={money(metrics.totals.netSales)} />
            <Stat label="Refunds" value={money(metrics.totals.refunds)} />
            <Stat label="Average order value" value={money(metrics.totals.averageOrderValue)} />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          {metrics.empty ? (
            <Card>
              <EmptyMessage heading="No sales in this period yet">
                Daily figures appear once orders are synced. Try a longer date range.
              </EmptyMessage>
            </Card>
          ) : (
            <MetricsChartsLazy days={metrics.days} currencyCode={metrics.currencyCode} />
          )}
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Store at a glance" />;
}
