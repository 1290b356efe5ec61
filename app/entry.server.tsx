import { PassThrough } from "node:stream";

import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";

import { env } from "./env.server";
import { addDocumentResponseHeaders } from "./shopify.server";
import { adaptDocumentHeadersForSimulator } from "./simulator-bridge.server";
import { ensureSyncWorker } from "./sync/worker.server";

// The in-process job runner (embedded SQLite mode) starts with the server, so unfinished jobs of
// a previous process resume without waiting for a request to need them.
ensureSyncWorker().catch((error: unknown) => {
  console.error(`[sync] job runner failed to start: ${error instanceof Error ? error.message : String(error)}`);
});

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  // Dev/test/demo only: the store simulator's admin shell frames the app.
  if (env.STORESYNC_SIMULATOR_URL)
    adaptDocumentHeadersForSimulator(responseHeaders, env.STORESYNC_SIMULATOR_URL);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} />,
      {
        [callbackName]: () => {
          const body = new PassThrough();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          console.error(error);
        },
      },
    );
    // Let React reject pending boundaries shortly after the stream timeout.
    setTimeout(abort, streamTimeout + 1000);
  });
}
