/**
 * `./dev bench [name...]`: runs every benchmark module in this folder (or those whose file name contains one of
 * the given names), prints a table, and writes all results as JSON to .bench/results.json and stdout's last line.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { BenchModule, BenchResult } from "./bench-result.ts";

const here = import.meta.dirname;
const filters = process.argv.slice(2).filter((a) => a !== "--");
const modules = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !["run.ts", "bench-result.ts"].includes(f))
  .filter((f) => !f.startsWith("support"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (modules.length === 0) {
  console.error(`no benchmark matches ${filters.join(", ") || "(any)"}`);
  process.exit(2);
}

interface Row extends BenchResult {
  bench: string;
}
const rows: Row[] = [];
let failures = 0;
for (const file of modules) {
  const bench = file.replace(/\.ts$/, "");
  process.stderr.write(`\u001b[1m▶ ${bench}\u001b[0m\n`);
  try {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as Partial<BenchModule>;
    if (typeof mod.run !== "function") {
      process.stderr.write(`  (skipped: ${file} exports no run())\n`);
      continue;
    }
    for (const r of await mod.run()) rows.push({ bench, ...r });
  } catch (e) {
    failures++;
    process.stderr.write(`  ✖ ${bench} failed: ${(e as Error).stack ?? e}\n`);
  }
}

const fmt = (v: number) => (Number.isInteger(v) ? v.toLocaleString("en") : v.toFixed(v < 10 ? 3 : 1));
const table = rows.map((r) => ({
  bench: r.bench,
  measure: r.name,
  value: `${fmt(r.value)} ${r.unit}`,
  target: r.target ?? "",
  result: r.ok === undefined ? "" : r.ok ? "met" : "MISSED",
}));
const cols = ["bench", "measure", "value", "target", "result"] as const;
const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...table.map((t) => t[c].length))]));
const line = (t: Record<string, string>) => cols.map((c) => t[c]!.padEnd(width[c]!)).join("  ");
console.error(`\n${line(Object.fromEntries(cols.map((c) => [c, c])))}`);
console.error(cols.map((c) => "-".repeat(width[c]!)).join("  "));
for (const t of table) console.error(line(t));

const out = { at: new Date().toISOString(), node: process.version, results: rows };
mkdirSync(".bench", { recursive: true });
writeFileSync(path.join(".bench", "results.json"), `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out));
if (failures > 0) process.exit(1);
