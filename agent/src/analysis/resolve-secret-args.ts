import { AnalysisSpecError, type Argument } from "@bellwether/core";
import { KubeApiError } from "../kube/kube-api-error.ts";
import type { KubeClient } from "../kube/kube-client.ts";
import { builtins, resourcePath } from "../kube/resource-ref.ts";

/**
 * Gives every `valueFrom.secretKeyRef` argument its value from a Secret in the run's namespace (Argo reads them
 * at measurement time, never into status). Values stay in memory only: callers must not log the result.
 */
export async function resolveSecretArgs(
  client: KubeClient,
  namespace: string,
  args: readonly Argument[] | undefined,
): Promise<Argument[]> {
  const out: Argument[] = [];
  const secrets = new Map<string, Record<string, string>>();
  for (const arg of args ?? []) {
    const ref = arg.valueFrom?.secretKeyRef;
    if (!ref || (arg.value !== undefined && arg.value !== null)) {
      out.push(arg);
      continue;
    }
    let data = secrets.get(ref.name);
    if (data === undefined) {
      try {
        const secret = await client.get<{ data?: Record<string, string> }>(
          resourcePath(builtins.secrets, namespace, ref.name),
        );
        data = secret.data ?? {};
      } catch (e) {
        if (KubeApiError.isNotFound(e)) {
          throw new AnalysisSpecError("ARGS_UNRESOLVED", `secret "${ref.name}" not found (argument "${arg.name}")`);
        }
        throw e;
      }
      secrets.set(ref.name, data);
    }
    const encoded = data[ref.key];
    if (encoded === undefined) {
      throw new AnalysisSpecError(
        "ARGS_UNRESOLVED",
        `key "${ref.key}" not found in secret "${ref.name}" (argument "${arg.name}")`,
      );
    }
    out.push({ name: arg.name, value: Buffer.from(encoded, "base64").toString("utf8") });
  }
  return out;
}
