import * as grpc from "@grpc/grpc-js";

/** Reads `authorization: Bearer <token>` from call metadata; undefined when absent or malformed. */
export function bearerToken(metadata: grpc.Metadata): string | undefined {
  const value = metadata.get("authorization")[0];
  if (typeof value !== "string") return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

/** Decides whether a bearer token may open a call; answers the principal (e.g. the cluster) or undefined. */
export type TokenVerifier<P> = (token: string, method: string) => P | undefined | Promise<P | undefined>;

/**
 * A server interceptor that refuses a call with UNAUTHENTICATED before any request message is read when the
 * token is missing or unknown. The accepted principal is put back in the metadata under `x-bw-principal`, so
 * handlers need not verify twice.
 */
export function bearerAuthInterceptor<P>(
  verify: TokenVerifier<P>,
  principalKey = "x-bw-principal",
): grpc.ServerInterceptor {
  return (methodDescriptor, call) =>
    new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, nextMetadata) {
            const token = bearerToken(metadata);
            const refuse = (details: string) =>
              call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details, metadata: new grpc.Metadata() });
            if (!token) {
              refuse("missing bearer token in the authorization metadata");
              return;
            }
            Promise.resolve()
              .then(() => verify(token, methodDescriptor.path))
              .then(
                (principal) => {
                  if (principal === undefined) return refuse("unknown or revoked token");
                  metadata.set(principalKey, JSON.stringify(principal));
                  nextMetadata(metadata);
                },
                () => refuse("token verification failed"),
              );
          },
        });
      },
    });
}

/** The principal an interceptor accepted for this call. */
export function callPrincipal<P>(metadata: grpc.Metadata, principalKey = "x-bw-principal"): P | undefined {
  const value = metadata.get(principalKey)[0];
  return typeof value === "string" ? (JSON.parse(value) as P) : undefined;
}
