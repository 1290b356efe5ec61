/** Webhooks: delivery record, dedupe, raw payload, hand-off to the job runner, health. */
export { receiveWebhook, finishDelivery, type ReceiveWebhookInput, type ReceiveWebhookResult, type ReceiveStatus } from "./receive.server";
export { refineWebhookBacklog, createWebhookJobs, enqueuePendingWebhookRefines, type RefineBacklogResult } from "./refine.server";
export { handleWebhookRequest, normalizeTopic, type AuthenticatedWebhook, type WebhookRequestDeps } from "./handle.server";
export { getWebhookHealth, type WebhookHealth, type TopicHealth } from "./health.server";
export { setWebhookJobBackend, webhookEnqueuer, type EnqueueFn } from "./runtime.server";
export { WEBHOOK_REFINE_JOB, refineDedupeKey } from "./names";
export { webhookSubject, topicKind, allSubscribedTopics, RESOURCE_TOPIC_RESOURCE } from "./topics";
