import type { LoaderFunctionArgs } from "@remix-run/node";
import { Card, Page, Text } from "@shopify/polaris";

import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};

// Placeholder until the Activity page is built.
export default function ActivityPage() {
  return (
    <Page title="Activity">
      <Card>
        <Text as="p" variant="bodyMd">
          Coming soon: A feed of syncs, webhooks and fixes, in plain words.
        </Text>
      </Card>
    </Page>
  );
}
