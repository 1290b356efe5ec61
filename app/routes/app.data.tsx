import type { LoaderFunctionArgs } from "@remix-run/node";
import { Card, Page, Text } from "@shopify/polaris";

import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};

// Placeholder until the Data page is built.
export default function DataPage() {
  return (
    <Page title="Data">
      <Card>
        <Text as="p" variant="bodyMd">
          Coming soon: Browse every table StoreSync keeps, with search and export.
        </Text>
      </Card>
    </Page>
  );
}
