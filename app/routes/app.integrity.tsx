import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Card,
  DataTable,
  IndexTable,
  InlineStack,
  Layout,
  Link,
  Page,
  Pagination,
  Text,
} from "@shopify/polaris";

import { EmptyMessage } from "../components/EmptyMessage";
import { formatDateTime, formatDuration, formatNumber } from "../components/format";
import { RouteError } from "../components/RouteError";
import { usePollWhileWorking } from "../components/usePollWhileWorking";
import { useToast } from "../components/useToast";
import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import {
  type IntegrityReportSummary,
  getIntegrityReport,
  getVerificationState,
  listIntegrityReports,
  requestVerification,
} from "../ui/integrity.server";

export const meta: MetaFunction = () => [{ title: "Integrity · StoreSync" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const reportId = url.searchParams.get("report");
  const [verification, history, selected] = await Promise.all([
    getVerificationState(db, session.shop),
    listIntegrityReports(db, session.shop, { cursor: url.searchParams.get("cursor") }),
    reportId ? getIntegrityReport(db, session.shop, reportId) : Promise.resolve(null),
  ]);
  return { verification, ...history, selected, selectedMissing: Boolean(reportId && !selected) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") !== "verify") return { ok: false, message: "Unknown action" };
  const { alreadyQueued } = await requestVerification(db, session.shop);
  return {
    ok: true,
    message: alreadyQueued ? "A verification is already queued" : "Verification queued",
  };
};

const VERDICT: Record<string, { tone?: "success" | "attention" | "critical"; label: string }> = {
  verified: { tone: "success", label: "Verified" },
  healed: { tone: "attention", label: "Fixed differences" },
  drift: { tone: "critical", label: "Differences found" },
};

function ReportStatus({ report }: { report: IntegrityReportSummary }) {
  if (report.status === "running") return <Badge tone="info">Running</Badge>;
  if (report.status === "failed") return <Badge tone="critical">Failed</Badge>;
  const verdict = report.verdict ? VERDICT[report.verdict] : undefined;
  return <Badge tone={verdict?.tone}>{verdict?.label ?? report.verdict ?? "Done"}</Badge>;
}

export default function IntegrityPage() {
  const data = useLoaderData<typeof loader>();
  const verify = useFetcher<{ ok: boolean; message: string }>();
  const [params, setParams] = useSearchParams();
  const working =
    data.verification.queued ||
    data.verification.running ||
    data.reports.some((r) => r.status === "running");
  usePollWhileWorking(working || verify.state !== "idle");
  useToast(verify.state === "idle" ? verify.data?.message : null, verify.data?.ok === false);

  const selected = data.selected;
  const select = (id: string | null) => {
    const next = new URLSearchParams(params);
    if (id) next.set("report", id);
    else next.delete("report");
    setParams(next, { preventScrollReset: true });
  };

  return (
    <Page
      title="Integrity"
      subtitle="Compare your copy with Shopify and fix any difference."
      primaryAction={{
        content: "Verify integrity",
        loading: verify.state !== "idle",
        disabled: data.verification.queued || data.verification.running,
        onAction: () => verify.submit({ intent: "verify" }, { method: "post" }),
      }}
    >
      <TitleBar title="Integrity" />
      <Layout>
        <Layout.Section>
          <div aria-live="polite" style={{ minHeight: 0 }}>
            {data.verification.queued ? (
              <Banner tone="info" title="Verification queued">
                <Text as="p">It starts as soon as a worker is free. This page updates itself.</Text>
              </Banner>
            ) : data.verification.running ? (
              <Banner tone="info" title="Verification running">
                <Text as="p">StoreSync is comparing every kind of data with Shopify.</Text>
              </Banner>
            ) : null}
          </div>
        </Layout.Section>
        {data.selectedMissing ? (
          <Layout.Section>
            <Banner tone="warning" title="Report not found" onDismiss={() => select(null)}>
              <Text as="p">It may belong to another store or have been removed.</Text>
            </Banner>
          </Layout.Section>
        ) : null}
        {selected ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Report of {formatDateTime(selected.startedAt)}
                  </Text>
                  <InlineStack gap="200" blockAlign="center">
                    <ReportStatus report={selected} />
                    <Link onClick={() => select(null)} accessibilityLabel="Close report">
                      Close
                    </Link>
                  </InlineStack>
                </InlineStack>
                <Text as="p" tone="subdued">
                  Took {formatDuration(selected.durationMs)}.{" "}
                  {selected.resourcesWithFindings === 0
                    ? "No differences were found."
                    : `${selected.resourcesWithFindings} kinds of data had differences.`}
                </Text>
                {selected.findings.length === 0 ? (
                  <Text as="p">
                    {selected.status === "running"
                      ? "Findings appear here as the check goes."
                      : "This report has no findings."}
                  </Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text"]}
                    headings={["Data", "Findings"]}
                    rows={selected.findings.map((f) => [
                      f.label,
                      f.metrics.map((m) => `${m.label}: ${m.value}`).join(" · ") || "—",
                    ])}
                  />
                )}
                {selected.aggregateChecks.length > 0 ? (
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm">
                      Totals compared with Shopify analytics
                    </Text>
                    {selected.aggregateChecks.map((m) => (
                      <Text as="p" key={m.label}>
                        {m.label}: {m.value}
                      </Text>
                    ))}
                  </BlockStack>
                ) : null}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card padding="0">
            {data.reports.length === 0 ? (
              <EmptyMessage heading="No integrity reports yet">
                A verification compares every record StoreSync holds with Shopify and fixes what
                differs. Reports appear here.
              </EmptyMessage>
            ) : (
              <>
                <IndexTable
                  resourceName={{ singular: "report", plural: "reports" }}
                  itemCount={data.reports.length}
                  selectable={false}
                  headings={[
                    { title: "Started" },
                    { title: "Result" },
                    { title: "Differences", alignment: "end" },
                    { title: "Duration", alignment: "end" },
                  ]}
                >
                  {data.reports.map((report, index) => (
                    <IndexTable.Row
                      id={report.id}
                      key={report.id}
                      position={index}
                      onClick={() => select(report.id)}
                    >
                      <IndexTable.Cell>
                        <Link
                          dataPrimaryLink
                          onClick={() => select(report.id)}
                          accessibilityLabel={`Open report of ${formatDateTime(report.startedAt)}`}
                        >
                          {formatDateTime(report.startedAt)}
                        </Link>
                      </IndexTable.Cell>
                      <IndexTable.Cell>
                        <ReportStatus report={report} />
                      </IndexTable.Cell>
                      <IndexTable.Cell>
                        <Text as="span" alignment="end" numeric>
                          {formatNumber(report.resourcesWithFindings)}
                        </Text>
                      </IndexTable.Cell>
                      <IndexTable.Cell>
                        <Text as="span" alignment="end" numeric>
                          {formatDuration(report.durationMs)}
                        </Text>
                      </IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
                <div style={{ padding: "12px", display: "flex", justifyContent: "center" }}>
                  <Pagination
                    hasPrevious={Boolean(params.get("cursor"))}
                    onPrevious={() => setParams(new URLSearchParams())}
                    previousTooltip="Newest reports"
                    hasNext={Boolean(data.nextCursor)}
                    onNext={() => {
                      const next = new URLSearchParams(params);
                      next.set("cursor", data.nextCursor ?? "");
                      next.delete("report");
                      setParams(next);
                    }}
                  />
                </div>
              </>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Integrity" />;
}
