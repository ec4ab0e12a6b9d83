import { defineConfig } from "vitest/config";

// Workspace packages are resolved to their TypeScript sources through the "source" export condition.
const conditions = ["source", "module", "node", "development|production"];
const unit = (name: string, dir: string) => ({
  extends: true as const,
  test: { name, root: `./${dir}`, include: ["src/**/*.test.ts", "test/**/*.test.ts"] },
});

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    globalSetup: ["./test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most tests wait on sockets, not CPU; at least two files must run side by side (isolation barrier).
    maxWorkers: 3,
    projects: [
      unit("core", "core"),
      unit("proto", "proto"),
      unit("agent", "agent"),
      unit("hub", "hub"),
      unit("cli", "cli"),
      unit("sim", "sim"),
      unit("demo", "demo"),
      { extends: true, test: { name: "integration", include: ["test/integration/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], fileParallelism: false, testTimeout: 180_000 },
      },
    ],
  },
});
