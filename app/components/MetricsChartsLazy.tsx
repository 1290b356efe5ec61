import { BlockStack, Card, InlineGrid, SkeletonBodyText, Text } from "@shopify/polaris";
import { lazy, Suspense } from "react";

import { ClientOnly } from "./ClientOnly";
import { WEEKLY_ABOVE_DAYS } from "./chart-buckets";
import { CHART_HEIGHT_PX } from "./chart-size";
import type { MetricsChartsProps } from "./MetricsCharts";

const MetricsCharts = lazy(() => import("./MetricsCharts"));

function SkeletonChart({ title }: { title: string }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        <div
          style={{ height: CHART_HEIGHT_PX }}
          aria-busy="true"
          aria-label={`Loading ${title.toLowerCase()}`}
        >
          <SkeletonBodyText lines={6} />
        </div>
      </BlockStack>
    </Card>
  );
}

/** Same layout, titles and heights as MetricsCharts: no layout shift when the charts arrive. */
export function MetricsChartsSkeleton({ days = 0 }: { days?: number }) {
  const per = days > WEEKLY_ABOVE_DAYS ? "week" : "day";
  return (
    <BlockStack gap="400">
      <SkeletonChart title={`Orders per ${per}`} />
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        <SkeletonChart title={`Net sales per ${per}`} />
        <SkeletonChart title={`Refunds per ${per}`} />
      </InlineGrid>
    </BlockStack>
  );
}

/** The charts, loaded and drawn on the client only (polaris-viz does not server-render). */
export function MetricsChartsLazy(props: MetricsChartsProps) {
  const skeleton = <MetricsChartsSkeleton days={props.days.length} />;
  return (
    <ClientOnly fallback={skeleton}>
      {() => (
        <Suspense fallback={skeleton}>
          <MetricsCharts {...props} />
        </Suspense>
      )}
    </ClientOnly>
  );
}
