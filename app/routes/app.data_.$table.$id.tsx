import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Card,
  Divider,
  InlineStack,
  Layout,
  Link,
  Page,
  Text,
} from "@shopify/polaris";

import { EmptyMessage } from "../components/EmptyMessage";
import { formatDateTime } from "../components/format";
import { RouteError } from "../components/RouteError";
import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import { recordDetail } from "../ui/browse.server";
import { findBrowseTable } from "../ui/tables";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.record ? `${data.record.title} · StoreSync` : "Record · StoreSync" },
];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const tableKey = params.table ?? "";
  const id = params.id ?? "";
  const table = findBrowseTable(tableKey);
  const record = table ? await recordDetail(db, session.shop, table.key, id) : null;
  return { tableKey, tableLabel: table?.label ?? null, id, record };
};

const RAW_STATUS: Record<string, { tone?: "success" | "critical" | "info"; label: string }> = {
  refined: { tone: "success", label: "Stored" },
  pending: { tone: "info", label: "Waiting" },
  error: { tone: "critical", label: "Error" },
};

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function Value({ value, json }: { value: string | number | boolean | null; json: boolean }) {
  if (value === null || value === "")
    return (
      <Text as="span" tone="subdued">
        —
      </Text>
    );
  if (json)
    return (
      <pre style={{ margin: 0, whiteSpace: "pre-wrap", wordBreak: "break-word", fontSize: 12 }}>
        {String(value)}
      </pre>
    );
  if (typeof value === "boolean") return <Text as="span">{value ? "Yes" : "No"}</Text>;
  if (typeof value === "string" && ISO_TIME.test(value))
    return <Text as="span">{formatDateTime(value)}</Text>;
  return (
    <Text as="span" breakWord>
      {String(value)}
    </Text>
  );
}

export default function RecordPage() {
  const { tableKey, tableLabel, id, record } = useLoaderData<typeof loader>();
  const back = {
    content: tableLabel ?? "Data",
    url: `/app/data?table=${encodeURIComponent(tableKey)}`,
  };

  if (!record) {
    return (
      <Page title="Record not found" backAction={back}>
        <TitleBar title="Record not found" />
        <Card>
          <EmptyMessage
            heading="This record is not in your copy"
            action={{ content: "Back to data", url: back.url }}
          >
            {tableLabel
              ? `No ${tableLabel.toLowerCase()} record with ID ${id} is stored for this store.`
              : `There is no table called “${tableKey}”.`}
          </EmptyMessage>
        </Card>
      </Page>
    );
  }

  return (
    <Page
      title={record.title}
      subtitle={`${record.tableLabel} · ${record.key}`}
      backAction={back}
      titleMetadata={
        record.deletedAt ? <Badge tone="critical">Deleted in Shopify</Badge> : undefined
      }
    >
      <TitleBar title={record.title} />
      <Layout>
        {record.deletedAt ? (
          <Layout.Section>
            <Banner tone="warning" title="Deleted in Shopify">
              <Text as="p">
                Shopify deleted this record on {formatDateTime(record.deletedAt)}. StoreSync keeps
                it marked as deleted.
              </Text>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Stored values
              </Text>
              <dl
                style={{
                  margin: 0,
                  display: "grid",
                  gridTemplateColumns: "minmax(140px, 1fr) 3fr",
                  gap: "8px 16px",
                }}
              >
                {record.fields.map((f) => (
                  <div key={f.field} style={{ display: "contents" }}>
                    <dt>
                      <Text as="span" tone="subdued">
                        {f.label}
                      </Text>
                    </dt>
                    <dd style={{ margin: 0 }}>
                      <Value value={f.value} json={f.json} />
                    </dd>
                  </div>
                ))}
              </dl>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            {record.parent || record.related.length ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Related
                  </Text>
                  {record.parent ? (
                    <Link url={record.parent.path}>{record.parent.label}</Link>
                  ) : null}
                  {record.related.map((r) => (
                    <Link key={r.path} url={r.path}>
                      {r.label}
                    </Link>
                  ))}
                </BlockStack>
              </Card>
            ) : null}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Shopify ID
                </Text>
                <Text as="p" breakWord>
                  {record.gid ?? "—"}
                </Text>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {`Raw payloads (${record.rawPayloads.length})`}
              </Text>
              <Text as="p" tone="subdued">
                Every version of this record StoreSync received, exactly as Shopify sent it, newest
                first.
              </Text>
              {record.rawPayloads.length === 0 ? (
                <Text as="p">No raw payload is kept for this record.</Text>
              ) : (
                record.rawPayloads.map((raw, index) => {
                  const status = RAW_STATUS[raw.status] ?? { label: raw.status };
                  return (
                    <BlockStack gap="200" key={raw.id}>
                      {index > 0 ? <Divider /> : null}
                      <InlineStack gap="200" blockAlign="center">
                        <Text as="h3" variant="headingSm">
                          {raw.sourceLabel}
                        </Text>
                        <Badge tone={status.tone}>{status.label}</Badge>
                        <Text as="span" tone="subdued">
                          Received {formatDateTime(raw.receivedAt)}
                        </Text>
                      </InlineStack>
                      {raw.error ? (
                        <Banner tone="critical">
                          <Text as="p">{raw.error}</Text>
                        </Banner>
                      ) : null}
                      <details>
                        <summary>
                          <Text as="span">Show payload (SHA-256 {raw.hash.slice(0, 12)}…)</Text>
                        </summary>
                        <Box paddingBlockStart="200">
                          <pre
                            aria-label={`Payload received ${formatDateTime(raw.receivedAt)}`}
                            style={{
                              margin: 0,
                              maxHeight: 480,
                              overflow: "auto",
                              fontSize: 12,
                              whiteSpace: "pre-wrap",
                              wordBreak: "break-word",
                            }}
                          >
                            {raw.payload}
                            {raw.truncated ? "\n…(cut)" : ""}
                          </pre>
                        </Box>
                      </details>
                    </BlockStack>
                  );
                })
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Record" />;
}
