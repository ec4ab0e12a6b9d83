import { create, fromBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentService,
  addTypedService,
  bearerAuthInterceptor,
  CommandOutcome,
  type ConnectRequest,
  ConnectRequestSchema,
  type ConnectResponse,
  ConnectResponseSchema,
  callPrincipal,
  createTypedClient,
} from "../src/index.ts";
import { makeTlsFixture, type TlsFixture } from "./tls-fixture.ts";

const MAX_MESSAGE_BYTES = 64 * 1024;
const tokens = new Map([
  ["token-a", { cluster: "cluster-a" }],
  ["token-b", { cluster: "cluster-b" }],
]);

interface Seen {
  handlerCalls: number;
  results: ConnectRequest[];
}

/** A minimal hub side of Connect: hello check, welcome, one command, then echo heartbeats with an ack. */
function startHub(tls: TlsFixture, seen: Seen): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({
    interceptors: [bearerAuthInterceptor((token) => tokens.get(token))],
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  });
  addTypedService(server, AgentService, {
    connect(call) {
      seen.handlerCalls++;
      const principal = callPrincipal<{ cluster: string }>(call.metadata);
      let greeted = false;
      call.on("data", (msg: ConnectRequest) => {
        if (!greeted) {
          if (msg.payload.case !== "hello") {
            call.emit("error", { code: grpc.status.FAILED_PRECONDITION, details: "the first message must be hello" });
            return;
          }
          if (msg.payload.value.cluster !== principal?.cluster) {
            call.emit("error", {
              code: grpc.status.PERMISSION_DENIED,
              details: `token is for cluster ${principal?.cluster}, hello names ${msg.payload.value.cluster}`,
            });
            return;
          }
          greeted = true;
          call.write(
            create(ConnectResponseSchema, {
              payload: { case: "welcome", value: { lastStored: { epoch: 3n, seq: 41n }, heartbeatSeconds: 10 } },
            }),
          );
          call.write(
            create(ConnectResponseSchema, {
              payload: {
                case: "command",
                value: {
                  id: "cmd-1",
                  target: { namespace: "shop", name: "web" },
                  action: { case: "promote", value: { expectStepIndex: 2, expectPodHash: "abc123" } },
                  actor: "user:alice",
                  ttlSeconds: 60,
                },
              },
            }),
          );
          return;
        }
        seen.results.push(msg);
        if (msg.payload.case === "heartbeat") {
          call.write(create(ConnectResponseSchema, { payload: { case: "ack", value: { epoch: 3n, seq: 42n } } }));
        }
      });
      call.on("end", () => call.end());
      call.on("error", () => {});
    },
  });
  return new Promise((resolve, reject) => {
    const creds = grpc.ServerCredentials.createSsl(
      tls.ca,
      [{ private_key: tls.serverKey, cert_chain: tls.serverCert }],
      false,
    );
    server.bindAsync("127.0.0.1:0", creds, (err, port) => (err ? reject(err) : resolve({ server, port })));
  });
}

function hello(cluster: string, agentVersion = "0.1.0"): ConnectRequest {
  return create(ConnectRequestSchema, {
    payload: { case: "hello", value: { cluster, agentVersion, capabilities: ["promote"], epoch: 3n } },
  });
}

function heartbeat(leader: boolean): ConnectRequest {
  return create(ConnectRequestSchema, { payload: { case: "heartbeat", value: { bufferedEvents: 0, leader } } });
}

function metadataWith(token?: string): grpc.Metadata {
  const md = new grpc.Metadata();
  if (token) md.set("authorization", `Bearer ${token}`);
  return md;
}

function nextMessage(stream: grpc.ClientDuplexStream<ConnectRequest, ConnectResponse>): Promise<ConnectResponse> {
  return new Promise((resolve, reject) => {
    const onData = (m: ConnectResponse) => {
      stream.off("error", onError);
      resolve(m);
    };
    const onError = (e: Error) => {
      stream.off("data", onData);
      reject(e);
    };
    stream.once("data", onData);
    stream.once("error", onError);
  });
}

function statusOf(stream: grpc.ClientDuplexStream<unknown, unknown>): Promise<grpc.StatusObject> {
  return new Promise((resolve) => {
    stream.on("error", () => {});
    stream.on("data", () => {});
    stream.once("status", resolve);
  });
}

describe("AgentService.Connect over TLS", () => {
  let tls: TlsFixture;
  let hub: { server: grpc.Server; port: number };
  const seen: Seen = { handlerCalls: 0, results: [] };
  let client: ReturnType<typeof createTypedClient<typeof AgentService.method>>;

  beforeAll(async () => {
    tls = makeTlsFixture();
    hub = await startHub(tls, seen);
    client = createTypedClient(AgentService, `localhost:${hub.port}`, grpc.credentials.createSsl(tls.ca));
  });
  afterAll(() => {
    client?.channel.close();
    hub?.server.forceShutdown();
    tls?.remove();
  });

  it("exchanges Hello/Welcome and a Command/CommandResult", async () => {
    const stream = client.connect(metadataWith("token-a"));
    const welcome = nextMessage(stream);
    stream.write(hello("cluster-a"));
    const first = await welcome;
    expect(first.payload.case).toBe("welcome");
    if (first.payload.case !== "welcome") return;
    expect(first.payload.value.lastStored?.seq).toBe(41n);
    const command = await nextMessage(stream);
    expect(command.payload.case).toBe("command");
    if (command.payload.case !== "command") return;
    const cmd = command.payload.value;
    expect(cmd.action.case).toBe("promote");
    expect(cmd.action.case === "promote" && cmd.action.value.expectStepIndex).toBe(2);
    stream.write({
      $typeName: "bellwether.v1.ConnectRequest",
      payload: {
        case: "commandResult",
        value: {
          $typeName: "bellwether.v1.CommandResult",
          id: cmd.id,
          outcome: CommandOutcome.APPLIED,
          reason: "",
          duplicate: false,
        },
      },
    });
    const ack = nextMessage(stream);
    stream.write(heartbeat(true));
    expect((await ack).payload.case).toBe("ack");
    const result = seen.results.find((r) => r.payload.case === "commandResult");
    expect(result?.payload.value).toMatchObject({ id: "cmd-1", outcome: CommandOutcome.APPLIED });
    const closed = statusOf(stream);
    stream.end();
    expect((await closed).code).toBe(grpc.status.OK);
  });

  it("refuses a call without a token with UNAUTHENTICATED before the handler reads anything", async () => {
    const before = seen.handlerCalls;
    const stream = client.connect(metadataWith());
    const status = statusOf(stream);
    stream.write(heartbeat(false));
    expect((await status).code).toBe(grpc.status.UNAUTHENTICATED);
    const unknown = client.connect(metadataWith("not-a-token"));
    expect((await statusOf(unknown)).code).toBe(grpc.status.UNAUTHENTICATED);
    expect(seen.handlerCalls).toBe(before);
  });

  it("answers PERMISSION_DENIED when a token for cluster A sends a hello for cluster B", async () => {
    const stream = client.connect(metadataWith("token-a"));
    const status = statusOf(stream);
    stream.write(hello("cluster-b"));
    const s = await status;
    expect(s.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(s.details).toContain("cluster-b");
  });

  it("closes only the offending stream on an oversized or malformed frame", async () => {
    const healthy = client.connect(metadataWith("token-b"));
    const welcome = nextMessage(healthy);
    healthy.write(hello("cluster-b"));
    expect((await welcome).payload.case).toBe("welcome");
    await nextMessage(healthy); // the command

    // Oversized: a hello larger than the server's receive limit.
    const big = client.connect(metadataWith("token-b"));
    const bigStatus = statusOf(big);
    big.write(hello("cluster-b", "x".repeat(MAX_MESSAGE_BYTES * 2)));
    expect((await bigStatus).code).toBe(grpc.status.RESOURCE_EXHAUSTED);

    // Malformed: bytes that are not a protobuf ConnectRequest (field 0 / wire type 7).
    const Raw = grpc.makeGenericClientConstructor(
      {
        connect: {
          path: "/bellwether.v1.AgentService/Connect",
          requestStream: true,
          responseStream: true,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => fromBinary(ConnectResponseSchema, b),
        },
      },
      "AgentService",
    );
    const raw = new Raw(`localhost:${hub.port}`, grpc.credentials.createSsl(tls.ca)) as unknown as {
      connect(md: grpc.Metadata): grpc.ClientDuplexStream<Buffer, ConnectResponse>;
      close(): void;
    };
    const bad = raw.connect(metadataWith("token-b"));
    const badStatus = statusOf(bad);
    bad.write(Buffer.from([0x07, 0xff, 0xff, 0xff, 0xff]));
    expect((await badStatus).code).not.toBe(grpc.status.OK);
    raw.close();

    // The healthy stream still works.
    const ack = nextMessage(healthy);
    healthy.write(heartbeat(true));
    expect((await ack).payload.case).toBe("ack");
    const closed = statusOf(healthy);
    healthy.end();
    expect((await closed).code).toBe(grpc.status.OK);
  });
});
