import { type HubConfig, type RunningHub, startHub } from "../../hub/src/index.ts";

/** The admin token every test hub accepts (BELLWETHER_ADMIN_TOKEN). */
export const ADMIN_TOKEN = "bw_test-admin-token-0123456789abcdef";

export async function startTestHub(databaseUrl: string, overrides: Partial<HubConfig> = {}): Promise<RunningHub> {
  return startHub({
    databaseUrl,
    host: "127.0.0.1",
    port: 0,
    logLevel: "silent",
    sweepIntervalMs: 500,
    disconnectAfterSeconds: 30,
    changeChannel: "bw_changes",
    adminToken: ADMIN_TOKEN,
    ...overrides,
  });
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  body: any;
}

/** One JSON call to a hub. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (metrics)
  }
  return { status: res.status, headers: res.headers, body };
}

/** Reads an SSE stream and resolves with the first event `match` accepts. */
export async function waitForSseEvent(
  url: string,
  token: string,
  match: (event: { event: string; data: Record<string, unknown> }) => boolean,
  options: { timeoutMs: number; onOpen?: () => Promise<void> | void },
): Promise<{ event: string; data: Record<string, unknown> }> {
  const ac = new AbortController();
  const timer = setTimeout(
    () => ac.abort(new Error(`no matching SSE event within ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
    if (res.status !== 200 || !res.body) throw new Error(`SSE request failed with ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let opened = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error("SSE stream ended");
      buffer += value;
      if (!opened && buffer.includes(": connected")) {
        opened = true;
        await options.onOpen?.();
      }
      let cut = buffer.indexOf("\n\n");
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) {
          const parsed = { event, data: JSON.parse(data) as Record<string, unknown> };
          if (match(parsed)) {
            ac.abort();
            return parsed;
          }
        }
        cut = buffer.indexOf("\n\n");
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
