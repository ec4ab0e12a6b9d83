/** @bellwether/proto: the hub ↔ agent contract (generated from proto/bellwether/v1) and its transports. */
export * from "./gen/bellwether/v1/agent_service_pb.ts";
export * from "./gen/bellwether/v1/command_pb.ts";
export * from "./gen/bellwether/v1/event_pb.ts";
export * from "./gen/bellwether/v1/gate_pb.ts";
export * from "./gen/bellwether/v1/heartbeat_pb.ts";
export * from "./gen/bellwether/v1/hello_pb.ts";
export * from "./gen/bellwether/v1/rollout_summary_pb.ts";
export * from "./gen/bellwether/v1/sync_pb.ts";
export { bearerAuthInterceptor, bearerToken, callPrincipal, type TokenVerifier } from "./grpc/bearer-auth.ts";
export { toServiceDefinition } from "./grpc/service-definition.ts";
export { addTypedService, createTypedClient, type ServiceHandlers, type TypedClient } from "./grpc/typed-service.ts";
export { NatsNameError, NatsNames } from "./nats/nats-names.ts";
