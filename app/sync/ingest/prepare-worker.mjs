// Entry of the ingest preparation thread (see prepare-thread.server.ts). Plain JavaScript: Node 20
// does not carry a process's TypeScript loader (tsx's --import hooks) into worker threads, so the
// thread loads its TypeScript with tsx's own API. Without tsx installed the thread fails to start
// and ingests prepare on their job's thread.
import { tsImport } from "tsx/esm/api";

await tsImport("./prepare-worker.server.ts", import.meta.url);
