import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

/**
 * Error state of a page. Responses thrown by Shopify's authentication go to Shopify's boundary
 * (it needs them, headers included); any other error shows a plain-words banner.
 */
export function RouteError({ title }: { title: string }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) return boundary.error(error);
  const detail = error instanceof Error ? error.message : null;
  return (
    <Page title={title}>
      <Banner tone="critical" title="This page could not be loaded">
        <BlockStack gap="200">
          <Text as="p">Something went wrong on our side. Reload the page to try again.</Text>
          {detail ? (
            <Text as="p" tone="subdued">
              {detail}
            </Text>
          ) : null}
        </BlockStack>
      </Banner>
    </Page>
  );
}
