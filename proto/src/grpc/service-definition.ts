import { type DescMessage, type DescMethod, type DescService, fromBinary, toBinary } from "@bufbuild/protobuf";
import type * as grpc from "@grpc/grpc-js";

function asBuffer(bytes: Uint8Array): Buffer {
  // Zero-copy: grpc-js wants a Buffer, protobuf-es produces a Uint8Array over the same memory.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function codec(desc: DescMessage) {
  return {
    serialize: (value: unknown) => asBuffer(toBinary(desc, value as never)),
    deserialize: (bytes: Buffer) => fromBinary(desc, bytes),
  };
}

function methodDefinition(service: DescService, method: DescMethod): grpc.MethodDefinition<unknown, unknown> {
  const input = codec(method.input);
  const output = codec(method.output);
  return {
    path: `/${service.typeName}/${method.name}`,
    originalName: method.name,
    requestStream: method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
    responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
    requestSerialize: input.serialize,
    requestDeserialize: input.deserialize,
    responseSerialize: output.serialize,
    responseDeserialize: output.deserialize,
  };
}

/**
 * Describes a protobuf-es service to grpc-js: method paths, streaming kinds and binary codecs, keyed by the
 * method's local (camelCase) name, which is what handler objects and generated clients use.
 */
export function toServiceDefinition(service: DescService): grpc.ServiceDefinition {
  // grpc.ServiceDefinition's index signature is readonly, so fill a plain record first.
  const methods: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) methods[method.localName] = methodDefinition(service, method);
  return methods;
}
