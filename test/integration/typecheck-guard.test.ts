import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const packages = ["core", "proto", "agent", "hub", "cli", "sim", "demo"];

/** Copies the tracked and untracked-but-not-ignored files into a scratch tree that shares node_modules. */
function scratchCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "bw-typecheck-"));
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: root })
    .toString()
    .split("\0")
    .filter((f) => f && existsSync(path.join(root, f)));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    cpSync(path.join(root, f), path.join(dir, f));
  }
  for (const p of [".", ...packages]) {
    const nm = path.join(root, p, "node_modules");
    if (existsSync(nm)) symlinkSync(nm, path.join(dir, p, "node_modules"), "dir");
  }
  return dir;
}

describe("the type check covers every package", () => {
  let dir: string | undefined;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("fails on a type error planted in any package's source or test file, naming each", async () => {
    dir = scratchCopy();
    const planted: string[] = [];
    for (const p of packages) {
      for (const name of ["planted-error.ts", "planted-error.test.ts"]) {
        const rel = path.join(p, "src", name);
        writeFileSync(path.join(dir, rel), `export const planted: number = "${p} ${name}";\n`);
        planted.push(rel);
      }
    }
    const tsc = path.join(root, "node_modules", ".bin", "tsc");
    const result = await promisify(execFile)(tsc, ["-p", "tsconfig.json"], { cwd: dir }).then(
      () => ({ code: 0, out: "" }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(result.code).not.toBe(0);
    for (const rel of planted)
      expect(result.out, `${rel} was not type-checked`).toMatch(
        new RegExp(`${rel.replaceAll(".", "\\.")}\\(1,14\\): error TS2322`),
      );
  }, 120_000);
});
