import { BlockStack, Box, Button, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

/**
 * Empty state without an illustration (no image request at first paint, nothing to shift):
 * a heading, one sentence and an optional action, centred.
 */
export function EmptyMessage({
  heading,
  children,
  action,
}: {
  heading: string;
  children?: ReactNode;
  action?: { content: string; onAction?: () => void; url?: string; loading?: boolean };
}) {
  return (
    <Box padding="800">
      <BlockStack gap="300" inlineAlign="center">
        <Text as="h2" variant="headingMd" alignment="center">
          {heading}
        </Text>
        {children ? (
          <Text as="p" tone="subdued" alignment="center">
            {children}
          </Text>
        ) : null}
        {action ? (
          <Button onClick={action.onAction} url={action.url} loading={action.loading}>
            {action.content}
          </Button>
        ) : null}
      </BlockStack>
    </Box>
  );
}
