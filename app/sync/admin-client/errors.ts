/** Errors surfaced by the cost-aware Admin GraphQL client. */

export interface GraphqlErrorEntry {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
  locations?: unknown;
}

/** The transport answered with a non-2xx HTTP status (thrown by a `GraphqlRequest`). */
export class AdminHttpError extends Error {
  constructor(
    readonly status: number,
    message = `Admin API answered HTTP ${status}`,
    /** Retry-After in ms, when the server sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "AdminHttpError";
  }
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** A field or the operation needs a scope the app was not granted (`ACCESS_DENIED`). Never retried. */
export class AccessDeniedError extends Error {
  constructor(
    message: string,
    readonly errors: GraphqlErrorEntry[],
  ) {
    super(message);
    this.name = "AccessDeniedError";
  }
}

/** GraphQL errors other than THROTTLED / ACCESS_DENIED / transient internal errors. */
export class GraphqlError extends Error {
  constructor(
    message: string,
    readonly errors: GraphqlErrorEntry[],
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "GraphqlError";
  }
  /** First error code (e.g. MAX_COST_EXCEEDED), if any. */
  get code(): string | undefined {
    return this.errors.find((e) => e.extensions?.code)?.extensions?.code;
  }
}

/** Retries ran out (THROTTLED, 5xx or network errors every time). `cause` is the last failure. */
export class RetriesExhaustedError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RetriesExhaustedError";
  }
}
