import swagger from "@fastify/swagger";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";
import type { Logger } from "pino";
import type { Principal } from "../auth/principal.ts";
import { roleAllows, type UserRole } from "../auth/role.ts";
import { authenticateBearer } from "../auth/token-authenticator.ts";
import { CanonicalJsonError } from "../ledger/jcs.ts";
import type { ApiContext } from "./api-context.ts";
import { ApiError } from "./api-error.ts";
import { registerClusterRoutes } from "./routes/cluster-routes.ts";
import { registerCommandRoutes } from "./routes/command-routes.ts";
import { type OpenStreams, registerEventStreamRoutes } from "./routes/event-stream-routes.ts";
import { registerHealthRoutes } from "./routes/health-routes.ts";
import { registerLedgerRoutes } from "./routes/ledger-routes.ts";
import { policyKind, templateKind } from "./routes/policy-and-template-kinds.ts";
import { registerRolloutRoutes } from "./routes/rollout-routes.ts";
import { registerTokenRoutes } from "./routes/token-routes.ts";
import { registerVersionedRoutes } from "./routes/versioned-routes.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The weakest role allowed; routes without one are public (health, metrics, OpenAPI). */
    role?: UserRole;
  }
}

interface ValidationItem {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `/labels/a~1b/0` + missingProperty → `labels.a/b[0].x` */
function fieldOf(v: ValidationItem): string {
  const parts = v.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const extra = (v.params.missingProperty ?? v.params.additionalProperty) as string | undefined;
  if (extra !== undefined) parts.push(extra);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
}

function describeValidation(v: ValidationItem): string {
  if (v.keyword === "additionalProperties") return "unknown field";
  if (v.keyword === "required") return "is required";
  return v.message ?? "is invalid";
}

export interface ServerOptions {
  logger: Logger;
  https?: { cert: Buffer; key: Buffer };
}

/** The HTTP API (fastify): auth, errors as `{code, message, field?}`, OpenAPI at `/api/v1/openapi.json`. */
export async function buildServer(
  ctx: ApiContext,
  options: ServerOptions,
  open: OpenStreams,
): Promise<FastifyInstance> {
  const fastifyOptions: FastifyServerOptions & { https?: { cert: Buffer; key: Buffer } } = {
    loggerInstance: options.logger,
    // Per-request lines would drown the structured events; metrics count requests instead.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", useDefaults: true, allErrors: false } },
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
  };
  if (options.https) fastifyOptions.https = options.https;
  const app = Fastify(fastifyOptions) as unknown as FastifyInstance;

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Bellwether hub API", version: "v1", description: "Progressive delivery for fleets of clusters" },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });

  app.addHook("onRequest", async (req) => {
    const need = req.routeOptions.config.role;
    if (!need) return;
    const principal = await authenticateBearer(ctx.db, req.headers.authorization);
    if (!principal) throw new ApiError(401, "UNAUTHENTICATED", "a valid bearer token is required");
    if (!roleAllows(principal.role, need)) {
      throw new ApiError(403, "FORBIDDEN", `role ${principal.role} may not do this; it needs ${need} or above`);
    }
    req.principal = principal;
  });

  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    ctx.metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    ctx.metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500)
      req.log.warn({ method: req.method, route, status: reply.statusCode }, "request failed");
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ code: "NOT_FOUND", message: `no route ${req.method} ${req.url.split("?")[0]}` });
  });

  app.setErrorHandler((err: FastifyError | ApiError | Error, req, reply) => {
    if (err instanceof ApiError) {
      if (err.statusCode === 401) reply.header("www-authenticate", 'Bearer realm="bellwether"');
      return reply.code(err.statusCode).send(err.toJSON());
    }
    if (err instanceof CanonicalJsonError) {
      return reply.code(400).send({ code: "VALIDATION", message: err.message, field: err.path });
    }
    const fe = err as FastifyError & { validation?: ValidationItem[]; validationContext?: string };
    if (fe.validation?.[0]) {
      const field = fieldOf(fe.validation[0]);
      const message = describeValidation(fe.validation[0]);
      return reply
        .code(400)
        .send({ code: "VALIDATION", message: `${field || fe.validationContext}: ${message}`, field });
    }
    const pgCode = (err as { code?: unknown }).code;
    if (pgCode === "23505") {
      return reply.code(409).send({ code: "CONFLICT", message: "a concurrent change got there first; retry" });
    }
    if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).send({ code: fe.code ?? "BAD_REQUEST", message: fe.message });
    }
    req.log.error({ err: { message: err.message, stack: err.stack } }, "unhandled error");
    return reply.code(500).send({ code: "INTERNAL", message: "internal error" });
  });

  registerHealthRoutes(app, ctx);
  registerClusterRoutes(app, ctx);
  registerVersionedRoutes(app, ctx, templateKind);
  registerVersionedRoutes(app, ctx, policyKind);
  registerRolloutRoutes(app, ctx);
  registerCommandRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerLedgerRoutes(app, ctx);
  registerEventStreamRoutes(app, ctx, open);
  app.get("/api/v1/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  return app;
}
