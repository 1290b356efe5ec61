/**
 * The "Store at a glance" charts, drawn with Shopify's polaris-viz. polaris-viz reads `navigator`
 * when it renders, so it cannot render on the server: pages load this module lazily on the client
 * (see MetricsChartsLazy) and show a skeleton of the same height until then.
 */
import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";

import type { MetricDay } from "../ui/metrics.server";

import { formatDate, formatMoney, formatNumber } from "./format";

import { WEEKLY_ABOVE_DAYS, weeklyBuckets } from "./chart-buckets";
import { CHART_HEIGHT_PX as CHART_HEIGHT } from "./chart-size";

export interface MetricsChartsProps {
  days: MetricDay[];
  currencyCode: string | null;
}

function series(name: string, days: MetricDay[], pick: (d: MetricDay) => number) {
  return [{ name, data: days.map((d) => ({ key: d.date, value: pick(d) })) }];
}

export function ChartCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        <div style={{ height: CHART_HEIGHT }}>{children}</div>
      </BlockStack>
    </Card>
  );
}

export default function MetricsCharts({ days: daily, currencyCode }: MetricsChartsProps) {
  const money = (value: number | string | null) => formatMoney(value, currencyCode);
  const weekly = daily.length > WEEKLY_ABOVE_DAYS;
  const days = weekly ? weeklyBuckets(daily) : daily;
  const per = weekly ? "week" : "day";
  const day = (value: number | string | null) =>
    weekly ? `Week of ${formatDate(String(value))}` : formatDate(String(value));
  return (
    <PolarisVizProvider>
      <BlockStack gap="400">
        <ChartCard title={`Orders per ${per}`}>
          <BarChart
            data={series("Orders", days, (d) => d.orders)}
            xAxisOptions={{ labelFormatter: day }}
            yAxisOptions={{ labelFormatter: (v) => formatNumber(Number(v)) }}
            theme="Light"
          />
        </ChartCard>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <ChartCard title={`Net sales per ${per}`}>
            <LineChart
              data={series("Net sales", days, (d) => d.netSales)}
              xAxisOptions={{ labelFormatter: day }}
              yAxisOptions={{ labelFormatter: money }}
              theme="Light"
            />
          </ChartCard>
          <ChartCard title={`Refunds per ${per}`}>
            <BarChart
              data={series("Refunds", days, (d) => d.refunds)}
              xAxisOptions={{ labelFormatter: day }}
              yAxisOptions={{ labelFormatter: money }}
              theme="Light"
            />
          </ChartCard>
        </InlineGrid>
      </BlockStack>
    </PolarisVizProvider>
  );
}
