import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Button,
  Card,
  IndexTable,
  InlineGrid,
  Layout,
  Link,
  Page,
  Select,
  Text,
} from "@shopify/polaris";

import { EmptyMessage } from "../components/EmptyMessage";
import { formatDateTime, formatNumber } from "../components/format";
import { RouteError } from "../components/RouteError";
import { useToast } from "../components/useToast";
import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import { SYNC_RESOURCES } from "../sync/resources/catalog";
import { listStoppedJobs, retryStoppedJob } from "../sync/jobs/stopped.server";
import { listRecordErrors, retryRecordErrors, type RetryResult } from "../ui/errors.server";

export const meta: MetaFunction = () => [{ title: "Records in error · StoreSync" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const resource = params.get("resource") || null;
  const [page, stoppedJobs] = await Promise.all([
    listRecordErrors(db, session.shop, { resource, cursor: params.get("cursor") }),
    listStoppedJobs(db, session.shop),
  ]);
  return { ...page, resource, stoppedJobs };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") === "retry-job") {
    const queued = await retryStoppedJob(db, session.shop, String(form.get("jobId") ?? ""));
    const none: RetryResult = { retried: 0, refined: 0, stillFailing: 0, remaining: 0 };
    return { ...none, message: queued ? "Queued again" : "That task is no longer stopped" };
  }
  const resource = String(form.get("resource") ?? "") || null;
  const ids = form
    .getAll("id")
    .map((v) => Number(v))
    .filter((n) => Number.isInteger(n) && n > 0);
  const result: RetryResult =
    form.get("intent") === "retry-all"
      ? await retryRecordErrors(db, session.shop, { all: true, resource })
      : await retryRecordErrors(db, session.shop, { ids });
  return { ...result, message: retryMessage(result) };
};

export function retryMessage(r: RetryResult): string {
  if (r.retried === 0) return "Nothing to retry";
  const parts = [`${formatNumber(r.refined)} of ${formatNumber(r.retried)} records processed`];
  if (r.stillFailing) parts.push(`${formatNumber(r.stillFailing)} still failing`);
  if (r.remaining) parts.push(`${formatNumber(r.remaining)} left to retry`);
  return parts.join(", ");
}

export default function RecordErrorsPage() {
  const data = useLoaderData<typeof loader>();
  const retry = useFetcher<typeof action>();
  const [params, setParams] = useSearchParams();
  useToast(retry.state === "idle" ? retry.data?.message : null, Boolean(retry.data?.stillFailing));
  const busy = retry.state !== "idle";
  const retryingId = busy ? retry.formData?.get("id") : null;

  return (
    <Page
      title="Records in error"
      subtitle="Records Shopify sent that StoreSync could not store, background work that stopped, and why."
      backAction={{ content: "Dashboard", url: "/app" }}
      primaryAction={{
        content: "Retry all",
        disabled: data.items.length === 0,
        loading: busy && retry.formData?.get("intent") === "retry-all",
        onAction: () =>
          retry.submit({ intent: "retry-all", resource: data.resource ?? "" }, { method: "post" }),
      }}
    >
      <TitleBar title="Records in error" />
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
                onChange={(value) =>
                  setParams(
                    value ? new URLSearchParams({ resource: value }) : new URLSearchParams(),
                  )
                }
              />
              <Text as="p" tone="subdued">
                {data.total.capped ? "More than " : ""}
                {formatNumber(data.total.count)} records in error
              </Text>
            </InlineGrid>
          </Card>
        </Layout.Section>
        {data.stoppedJobs.length > 0 ? (
          <Layout.Section>
            <Card padding="0">
              <div style={{ padding: "var(--p-space-400)" }}>
                <Text as="h2" variant="headingMd">
                  Background work that stopped
                </Text>
                <Text as="p" tone="subdued">
                  These tasks failed every attempt. Fix the cause (for example a missing permission), then try again.
                </Text>
              </div>
              <IndexTable
                resourceName={{ singular: "task", plural: "tasks" }}
                itemCount={data.stoppedJobs.length}
                selectable={false}
                headings={[
                  { title: "Task" },
                  { title: "Why it stopped" },
                  { title: "Attempts" },
                  { title: "Stopped" },
                  { title: "Action" },
                ]}
              >
                {data.stoppedJobs.map((job, index) => (
                  <IndexTable.Row id={job.id} key={job.id} position={index}>
                    <IndexTable.Cell>{job.label}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Reason text={job.error} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>{formatNumber(job.attempts)}</IndexTable.Cell>
                    <IndexTable.Cell>{formatDateTime(job.stoppedAt)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Button
                        size="slim"
                        loading={busy && retry.formData?.get("jobId") === job.id}
                        accessibilityLabel={`Try ${job.label.toLowerCase()} again`}
                        onClick={() =>
                          retry.submit({ intent: "retry-job", jobId: job.id }, { method: "post" })
                        }
                      >
                        Try again
                      </Button>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card padding="0">
            {data.items.length === 0 ? (
              <EmptyMessage heading="No records in error">
                Every record received from Shopify was stored.
              </EmptyMessage>
            ) : (
              <IndexTable
                resourceName={{ singular: "record", plural: "records" }}
                itemCount={data.items.length}
                selectable={false}
                headings={[
                  { title: "Record" },
                  { title: "Why it failed" },
                  { title: "Received from" },
                  { title: "Received" },
                  { title: "Action" },
                ]}
                pagination={{
                  hasPrevious: Boolean(params.get("cursor")),
                  onPrevious: () => {
                    const next = new URLSearchParams(params);
                    next.delete("cursor");
                    setParams(next);
                  },
                  hasNext: Boolean(data.nextCursor),
                  onNext: () => {
                    const next = new URLSearchParams(params);
                    next.set("cursor", data.nextCursor ?? "");
                    setParams(next);
                  },
                }}
              >
                {data.items.map((item, index) => (
                  <IndexTable.Row id={String(item.id)} key={item.id} position={index}>
                    <IndexTable.Cell>
                      {item.recordPath ? (
                        <Link
                          url={item.recordPath}
                        >{`${item.resourceLabel} ${item.gid.split("/").pop()}`}</Link>
                      ) : (
                        `${item.resourceLabel} ${item.gid}`
                      )}
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Reason text={item.error} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>{item.sourceLabel}</IndexTable.Cell>
                    <IndexTable.Cell>{formatDateTime(item.receivedAt)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Button
                        size="slim"
                        loading={retryingId === String(item.id)}
                        accessibilityLabel={`Retry ${item.resourceLabel} ${item.gid}`}
                        onClick={() =>
                          retry.submit({ intent: "retry", id: String(item.id) }, { method: "post" })
                        }
                      >
                        Retry
                      </Button>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** Why something failed: wraps inside its cell instead of widening the table. */
function Reason({ text }: { text: string }) {
  return (
    <div style={{ maxWidth: 420, whiteSpace: "normal" }}>
      <Text as="span" breakWord>
        {text}
      </Text>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Records in error" />;
}
