import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  BlockStack,
  Box,
  Card,
  Divider,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  Pagination,
  Select,
  Text,
} from "@shopify/polaris";
import { Fragment } from "react";

import { EmptyMessage } from "../components/EmptyMessage";
import { formatDateTime } from "../components/format";
import { RouteError } from "../components/RouteError";
import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import { SYNC_RESOURCES } from "../sync/resources/catalog";
import { ACTIVITY_KIND_GROUPS, listActivity } from "../ui/activity.server";

export const meta: MetaFunction = () => [{ title: "Activity · StoreSync" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const resource = params.get("resource") || null;
  const kind = params.get("kind") || null;
  const page = await listActivity(db, session.shop, {
    resource,
    kind,
    cursor: params.get("cursor"),
    before: params.get("before") === "1",
  });
  return { ...page, resource, kind, kinds: ACTIVITY_KIND_GROUPS };
};

const LEVEL: Record<string, { tone?: "critical" | "warning"; label: string } | undefined> = {
  error: { tone: "critical", label: "Problem" },
  warning: { tone: "warning", label: "Warning" },
};

export default function ActivityPage() {
  const data = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const go = (changes: Record<string, string | null>, keepPage = false) => {
    const next = new URLSearchParams(params);
    if (!keepPage) {
      next.delete("cursor");
      next.delete("before");
    }
    for (const [key, value] of Object.entries(changes)) {
      if (!value) next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { preventScrollReset: true });
  };
  const filtered = Boolean(data.resource || data.kind);

  return (
    <Page title="Activity" subtitle="What StoreSync did, newest first.">
      <TitleBar title="Activity" />
      <Layout>
        <Layout.Section>
          <Card>
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              <Select
                label="Data"
                options={[
                  { label: "All data", value: "" },
                  ...SYNC_RESOURCES.map((r) => ({ label: r.label, value: r.key })),
                ]}
                value={data.resource ?? ""}
                onChange={(value) => go({ resource: value })}
              />
              <Select
                label="Kind of event"
                options={[
                  { label: "All events", value: "" },
                  ...data.kinds.map((k) => ({ label: k.label, value: k.value })),
                ]}
                value={data.kind ?? ""}
                onChange={(value) => go({ kind: value })}
              />
            </InlineGrid>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            {data.items.length === 0 ? (
              <EmptyMessage
                heading={filtered ? "No events match these filters" : "Nothing has happened yet"}
                action={
                  filtered
                    ? { content: "Clear filters", onAction: () => setParams(new URLSearchParams()) }
                    : undefined
                }
              >
                {filtered
                  ? "Try another kind of data or event."
                  : "Syncs, live updates and checks appear here as they happen."}
              </EmptyMessage>
            ) : (
              <ul aria-label="Activity" style={{ listStyle: "none", margin: 0, padding: 0 }}>
                {data.items.map((item, index) => {
                  const level = LEVEL[item.level];
                  return (
                    <Fragment key={item.id}>
                      {index > 0 ? <Divider /> : null}
                      <li>
                        <Box padding="400">
                          <BlockStack gap="100">
                            <InlineStack gap="200" blockAlign="center" wrap>
                              {level ? <Badge tone={level.tone}>{level.label}</Badge> : null}
                              <Text as="p">{item.sentence}</Text>
                            </InlineStack>
                            <InlineStack gap="300">
                              <Text as="span" tone="subdued" variant="bodySm">
                                {formatDateTime(item.createdAt)}
                              </Text>
                              {item.resourceLabel ? (
                                <Text as="span" tone="subdued" variant="bodySm">
                                  {item.resourceLabel}
                                </Text>
                              ) : null}
                              {item.recordPath ? (
                                <Link url={item.recordPath}>View record</Link>
                              ) : null}
                            </InlineStack>
                          </BlockStack>
                        </Box>
                      </li>
                    </Fragment>
                  );
                })}
              </ul>
            )}
          </Card>
        </Layout.Section>
        <Layout.Section>
          <InlineStack align="center">
            <Pagination
              hasPrevious={Boolean(data.prevCursor)}
              previousTooltip="Newer events"
              onPrevious={() => go({ cursor: data.prevCursor, before: "1" }, true)}
              hasNext={Boolean(data.nextCursor)}
              nextTooltip="Older events"
              onNext={() => go({ cursor: data.nextCursor, before: null }, true)}
            />
          </InlineStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Activity" />;
}
