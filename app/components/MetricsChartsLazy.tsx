import { BlockStack, Card, InlineGrid, SkeletonBodyText, Text } from "@shopify/polaris";
import { lazy, Suspense } from "react";

import { ClientOnly } from "./ClientOnly";
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

/** Same layout and heights as MetricsCharts: no layout shift when the charts arrive. */
export function MetricsChartsSkeleton() {
  return (
    <BlockStack gap="400">
      <SkeletonChart title="Orders per day" />
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        <SkeletonChart title="Net sales per day" />
        <SkeletonChart title="Refunds per day" />
      </InlineGrid>
    </BlockStack>
  );
}

/** The charts, loaded and drawn on the client only (polaris-viz does not server-render). */
export function MetricsChartsLazy(props: MetricsChartsProps) {
  const skeleton = <MetricsChartsSkeleton />;
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
