/**
 * Condition-language micro-benchmark: evaluations per second of typical Argo conditions, compiled once (as the
 * agent does through the compiled-expression cache), plus the cost of compiling a new text.
 *
 * Start/stop events: a timed loop of N calls of `CompiledCondition.evaluate(result)` (or `evaluateResult`, or an
 * uncached compile), after a warm-up of N/10 calls; one figure per loop. Runs standalone:
 * `tsx test/bench/analysis-eval.ts`.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { compileCondition, DEFAULT_EXPRESSION_LIMITS, evaluateResult } from "../../core/src/index.ts";
import type { BenchResult } from "./bench-result.ts";

// A floor well below what a plain tree-walking interpreter reaches; it flags a pathological regression only.
const TARGET_EVALS_PER_S = 100_000;

function perSecond(iterations: number, body: (i: number) => unknown): number {
  for (let i = 0; i < iterations / 10; i++) body(i);
  const start = performance.now();
  let sink = 0;
  for (let i = 0; i < iterations; i++) if (body(i)) sink++;
  const elapsedMs = performance.now() - start;
  if (sink < 0) throw new Error("unreachable");
  return Math.round((iterations / elapsedMs) * 1000);
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const n = Number(process.env.BW_BENCH_ANALYSIS_N ?? 200_000);

  const typical = compileCondition("result[0] >= 0.95");
  const vectors = [[0.97], [0.9], [0.99]];
  const typicalRate = perSecond(n, (i) => typical.evaluate(vectors[i % 3]));
  results.push({
    name: 'evaluate "result[0] >= 0.95" (compiled once)',
    value: typicalRate,
    unit: "evals/s",
    target: `>= ${TARGET_EVALS_PER_S.toLocaleString("en")} evals/s`,
    ok: typicalRate >= TARGET_EVALS_PER_S,
  });

  const predicate = compileCondition("len(result) > 0 && all(result, {# < 0.05}) && max(result) < 0.1");
  const series = Array.from({ length: 10 }, (_, i) => i / 1000);
  results.push({
    name: "evaluate predicate over a 10-point vector (compiled once)",
    value: perSecond(n / 4, () => predicate.evaluate(series)),
    unit: "evals/s",
  });

  const metric = { successCondition: "result.successRate >= 0.99", failureCondition: "result.errors > 10" };
  results.push({
    name: "evaluateResult with success and failure conditions (cached)",
    value: perSecond(n, (i) => evaluateResult({ successRate: 0.995, errors: i % 12 }, metric).phase === "Failed"),
    unit: "evals/s",
  });

  // Passing explicit limits bypasses the cache, so this measures parse + compile of a new text.
  const limits = { ...DEFAULT_EXPRESSION_LIMITS };
  results.push({
    name: "compile a condition (uncached: tokenize, parse, check, build closures)",
    value: perSecond(n / 20, () => compileCondition("result[0] >= 0.95 && !isNaN(result[0])", limits)),
    unit: "compiles/s",
  });
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await run();
  for (const r of rows) {
    const verdict = r.ok === undefined ? "" : r.ok ? "met" : "MISSED";
    console.error(
      `${r.name.padEnd(72)} ${r.value.toLocaleString("en").padStart(12)} ${r.unit.padEnd(11)} ${r.target ?? ""} ${verdict}`,
    );
  }
  console.log(JSON.stringify({ at: new Date().toISOString(), results: rows }));
}
