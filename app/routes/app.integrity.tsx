import type { LoaderFunctionArgs } from "@remix-run/node";
import { Card, Page, Text } from "@shopify/polaris";

import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};

// Placeholder until the Integrity page is built.
export default function IntegrityPage() {
  return (
    <Page title="Integrity">
      <Card>
        <Text as="p" variant="bodyMd">
          Coming soon: Integrity reports comparing your copy with Shopify.
        </Text>
      </Card>
    </Page>
  );
}
