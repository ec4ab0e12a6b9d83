import type { MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import * as grpc from "@grpc/grpc-js";
import { toServiceDefinition } from "./service-definition.ts";

type Method = GenServiceMethods[string];
type Req<M extends Method> = MessageShape<M["input"]>;
type Res<M extends Method> = MessageShape<M["output"]>;

/** Handlers for a protobuf-es service, one grpc-js handler type per method kind. */
export type ServiceHandlers<S extends GenServiceMethods> = {
  [K in keyof S]: S[K]["methodKind"] extends "unary"
    ? grpc.handleUnaryCall<Req<S[K]>, Res<S[K]>>
    : S[K]["methodKind"] extends "server_streaming"
      ? grpc.handleServerStreamingCall<Req<S[K]>, Res<S[K]>>
      : S[K]["methodKind"] extends "client_streaming"
        ? grpc.handleClientStreamingCall<Req<S[K]>, Res<S[K]>>
        : grpc.handleBidiStreamingCall<Req<S[K]>, Res<S[K]>>;
};

/** Registers typed handlers for a protobuf-es service on a grpc-js server. */
export function addTypedService<S extends GenServiceMethods>(
  server: grpc.Server,
  service: GenService<S>,
  handlers: ServiceHandlers<S>,
): void {
  server.addService(toServiceDefinition(service), handlers as unknown as grpc.UntypedServiceImplementation);
}

/** A typed client: unary methods return promises, streaming methods return grpc-js call objects. */
export type TypedClient<S extends GenServiceMethods> = {
  [K in keyof S]: S[K]["methodKind"] extends "unary"
    ? (request: Req<S[K]>, metadata?: grpc.Metadata, options?: grpc.CallOptions) => Promise<Res<S[K]>>
    : S[K]["methodKind"] extends "bidi_streaming"
      ? (metadata?: grpc.Metadata, options?: grpc.CallOptions) => grpc.ClientDuplexStream<Req<S[K]>, Res<S[K]>>
      : S[K]["methodKind"] extends "server_streaming"
        ? (
            request: Req<S[K]>,
            metadata?: grpc.Metadata,
            options?: grpc.CallOptions,
          ) => grpc.ClientReadableStream<Res<S[K]>>
        : never;
} & { readonly channel: grpc.Client };

type AnyFn = (...args: unknown[]) => unknown;

/** Creates a typed grpc-js client for a protobuf-es service. Close it with `client.channel.close()`. */
export function createTypedClient<S extends GenServiceMethods>(
  service: GenService<S>,
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ClientOptions,
): TypedClient<S> {
  const Ctor = grpc.makeGenericClientConstructor(toServiceDefinition(service), service.typeName);
  const channel = new Ctor(address, credentials, options);
  const raw = channel as unknown as Record<string, AnyFn>;
  const client: Record<string, unknown> = { channel };
  for (const method of service.methods) {
    const call = raw[method.localName]!.bind(channel);
    switch (method.methodKind) {
      case "unary":
        client[method.localName] = (request: unknown, metadata = new grpc.Metadata(), opts: grpc.CallOptions = {}) =>
          new Promise((resolve, reject) => {
            call(request, metadata, opts, (err: grpc.ServiceError | null, response: unknown) =>
              err ? reject(err) : resolve(response),
            );
          });
        break;
      case "server_streaming":
        client[method.localName] = (request: unknown, metadata = new grpc.Metadata(), opts: grpc.CallOptions = {}) =>
          call(request, metadata, opts);
        break;
      default:
        client[method.localName] = (metadata = new grpc.Metadata(), opts: grpc.CallOptions = {}) =>
          call(metadata, opts);
    }
  }
  return client as TypedClient<S>;
}
