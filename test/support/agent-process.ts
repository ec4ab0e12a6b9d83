import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface AgentProcess {
  child: ChildProcess;
  identity: string;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs the real `bellwether-agent` binary (its TypeScript entry through tsx) against a kubeconfig. */
export function spawnAgent(kubeconfig: string, identity: string, args: string[] = []): AgentProcess {
  const child = spawn(
    process.execPath,
    [
      "--conditions=source",
      "--import",
      "tsx",
      path.join(root, "agent/src/main.ts"),
      "--kubeconfig",
      kubeconfig,
      "--identity",
      identity,
      "--metrics-addr",
      "127.0.0.1:0",
      ...args,
    ],
    {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: process.env.BW_TEST_LOG ?? "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  return {
    child,
    identity,
    output: () => out,
    kill(signal: NodeJS.Signals = "SIGKILL") {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      });
    },
  };
}
