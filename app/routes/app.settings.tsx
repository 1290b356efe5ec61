import type { LoaderFunctionArgs } from "@remix-run/node";
import { Card, Page, Text } from "@shopify/polaris";

import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};

// Placeholder until the Settings page is built.
export default function SettingsPage() {
  return (
    <Page title="Settings">
      <Card>
        <Text as="p" variant="bodyMd">
          Coming soon: Choose what to sync and how often.
        </Text>
      </Card>
    </Page>
  );
}
