import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Modal, TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
} from "@shopify/polaris";
import { useState } from "react";

import { EmptyMessage } from "../components/EmptyMessage";
import { formatDateTime } from "../components/format";
import { RouteError } from "../components/RouteError";
import { useToast } from "../components/useToast";
import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import { startSync } from "../sync/backfill/start.server";
import { SYNC_RESOURCES } from "../sync/resources/catalog";
import { ensureSyncWorker, syncDeps } from "../sync/worker.server";
import { listComplianceLog } from "../ui/compliance.server";
import { RECONCILE_SCHEDULES, SYNC_INTERVAL_CHOICES } from "../ui/options";
import { getShopSettings, saveShopSettings, settingsFromForm } from "../ui/settings.server";

export const meta: MetaFunction = () => [{ title: "Settings · StoreSync" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [view, compliance] = await Promise.all([
    getShopSettings(db, session.shop),
    listComplianceLog(db, session.shop),
  ]);
  return {
    ...view,
    compliance,
    resources: SYNC_RESOURCES.map((r) => ({ value: r.key, label: r.label })),
  };
};

type ActionResult = { ok: boolean; message: string; errors?: Record<string, string> };

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "save") {
    const parsed = settingsFromForm(form);
    if (!parsed.ok) return { ok: false, message: "Settings were not saved", errors: parsed.errors };
    await saveShopSettings(db, session.shop, parsed.settings);
    return { ok: true, message: "Settings saved" };
  }
  if (intent === "resync") {
    const { settings } = await getShopSettings(db, session.shop);
    await ensureSyncWorker();
    const runs = await startSync(syncDeps(), session.shop, {
      kind: "backfill",
      trigger: "manual",
      resources: settings.enabledResources,
    });
    const started = runs.filter((r) => r.started).length;
    return {
      ok: true,
      message: started
        ? `Full re-sync started for ${started} kinds of data`
        : "A sync is already running for every kind of data",
    };
  }
  return { ok: false, message: "Unknown action" };
};

const INTERVAL_LABEL = (m: number) =>
  m < 60
    ? `Every ${m} minutes`
    : m === 60
      ? "Every hour"
      : m === 1440
        ? "Once a day"
        : `Every ${m / 60} hours`;
const SCHEDULE_LABEL: Record<(typeof RECONCILE_SCHEDULES)[number], string> = {
  off: "Never (only when I ask)",
  daily: "Every day",
  weekly: "Every week",
};
const RESYNC_MODAL_ID = "storesync-full-resync";

async function downloadExport(path: string) {
  // App Bridge adds the session token to the app's own fetch calls.
  const response = await fetch(path);
  if (!response.ok) throw new Error(`Export failed (${response.status})`);
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = href;
  anchor.download =
    response.headers.get("Content-Disposition")?.match(/filename="([^"]+)"/)?.[1] ??
    "data-request.json";
  anchor.click();
  URL.revokeObjectURL(href);
}

export default function SettingsPage() {
  const data = useLoaderData<typeof loader>();
  const save = useFetcher<ActionResult>();
  const resync = useFetcher<ActionResult>();
  const shopify = useAppBridge();
  const [enabled, setEnabled] = useState<string[]>(data.settings.enabledResources);
  const [interval, setIntervalMinutes] = useState(String(data.settings.syncIntervalMinutes));
  const [schedule, setSchedule] = useState<string>(data.settings.reconcileSchedule);
  const [hour, setHour] = useState(String(data.settings.reconcileHourUtc));
  useToast(save.state === "idle" ? save.data?.message : null, save.data?.ok === false);
  useToast(resync.state === "idle" ? resync.data?.message : null, resync.data?.ok === false);
  const errors = save.data?.errors ?? {};

  const submitSettings = () => {
    const form = new FormData();
    form.set("intent", "save");
    for (const key of enabled) form.append("enabledResources", key);
    form.set("syncIntervalMinutes", interval);
    form.set("reconcileSchedule", schedule);
    form.set("reconcileHourUtc", hour);
    save.submit(form, { method: "post" });
  };
  const startResync = () => {
    resync.submit({ intent: "resync" }, { method: "post" });
    try {
      shopify.modal.hide(RESYNC_MODAL_ID);
    } catch {
      // no App Bridge modal API
    }
  };
  const askResync = () => {
    try {
      shopify.modal.show(RESYNC_MODAL_ID);
    } catch {
      if (window.confirm("Copy every record from Shopify again?")) startResync();
    }
  };
  const paused = Object.entries(data.paused);

  return (
    <Page title="Settings">
      <TitleBar title="Settings" />
      <Modal id={RESYNC_MODAL_ID}>
        <Box padding="400">
          <Text as="p">
            StoreSync copies every record of the selected data from Shopify again. Your data stays
            available meanwhile; records are replaced as fresh copies arrive.
          </Text>
        </Box>
        <TitleBar title="Start a full re-sync?">
          {/* App Bridge's title bar reads `variant` from its child buttons. */}
          {/* eslint-disable-next-line react/no-unknown-property */}
          <button variant="primary" onClick={startResync}>
            Start full re-sync
          </button>
          <button onClick={() => shopify.modal.hide(RESYNC_MODAL_ID)}>Cancel</button>
        </TitleBar>
      </Modal>
      <Layout>
        {save.data?.ok === false ? (
          <Layout.Section>
            <Banner tone="critical" title={save.data.message}>
              <BlockStack gap="100">
                {Object.entries(errors).map(([field, message]) => (
                  <Text as="p" key={field}>{`${field}: ${message}`}</Text>
                ))}
              </BlockStack>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.AnnotatedSection
          id="what"
          title="What to sync"
          description="StoreSync keeps a copy of the data you select. Unselected data is not updated any more."
        >
          <Card>
            <BlockStack gap="300">
              <ChoiceList
                title="Data to sync"
                allowMultiple
                choices={data.resources.map((r) => ({
                  label: r.label,
                  value: r.value,
                  helpText: data.paused[r.value]?.reason,
                }))}
                selected={enabled}
                onChange={setEnabled}
                error={errors.enabledResources}
              />
              {paused.length ? (
                <InlineStack gap="200">
                  {paused.map(([key]) => (
                    <Badge
                      key={key}
                      tone="attention"
                    >{`${data.resources.find((r) => r.value === key)?.label ?? key} paused`}</Badge>
                  ))}
                </InlineStack>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          id="when"
          title="Schedules"
          description="Live updates arrive within moments; scheduled syncs and checks catch anything missed."
        >
          <Card>
            <BlockStack gap="400">
              <Select
                label="Check Shopify for changes"
                options={SYNC_INTERVAL_CHOICES.map((m) => ({
                  label: INTERVAL_LABEL(m),
                  value: String(m),
                }))}
                value={interval}
                onChange={setIntervalMinutes}
                error={errors.syncIntervalMinutes}
              />
              <InlineGrid columns={2} gap="400">
                <Select
                  label="Verify integrity"
                  options={RECONCILE_SCHEDULES.map((s) => ({ label: SCHEDULE_LABEL[s], value: s }))}
                  value={schedule}
                  onChange={setSchedule}
                  error={errors.reconcileSchedule}
                />
                <Select
                  label="At (UTC)"
                  options={Array.from({ length: 24 }, (_, h) => ({
                    label: `${String(h).padStart(2, "0")}:00`,
                    value: String(h),
                  }))}
                  value={hour}
                  onChange={setHour}
                  disabled={schedule === "off"}
                  error={errors.reconcileHourUtc}
                />
              </InlineGrid>
              <InlineStack align="end">
                <Button variant="primary" loading={save.state !== "idle"} onClick={submitSettings}>
                  Save
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          id="resync"
          title="Full re-sync"
          description="Copies everything from Shopify again. Use it if you think your copy went wrong."
        >
          <Card>
            <InlineStack align="space-between" blockAlign="center">
              <Text as="p">Replace your copy with a fresh one from Shopify.</Text>
              <Button tone="critical" loading={resync.state !== "idle"} onClick={askResync}>
                Start full re-sync
              </Button>
            </InlineStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          id="compliance"
          title="Privacy requests"
          description="Customer data requests and erasures Shopify asked for, and what StoreSync did."
        >
          <Card padding="0">
            {data.compliance.length === 0 ? (
              <EmptyMessage heading="No privacy requests yet">
                When a customer asks for their data or to be forgotten, it is logged here.
              </EmptyMessage>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "text"]}
                headings={["When", "Request", "Status", "Export"]}
                rows={data.compliance.map((entry) => [
                  formatDateTime(entry.at),
                  entry.sentence,
                  entry.status,
                  entry.exportPath ? (
                    <Button
                      key={entry.id}
                      size="slim"
                      accessibilityLabel={`Download the export of the request of ${formatDateTime(entry.at)}`}
                      onClick={() => {
                        downloadExport(entry.exportPath!).catch(() => {
                          try {
                            shopify.toast.show("The export could not be downloaded", {
                              isError: true,
                            });
                          } catch {
                            // no App Bridge
                          }
                        });
                      }}
                    >
                      Download
                    </Button>
                  ) : (
                    "—"
                  ),
                ])}
              />
            )}
          </Card>
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Settings" />;
}
