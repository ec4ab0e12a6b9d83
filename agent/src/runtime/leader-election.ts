import { KubeApiError } from "../kube/kube-api-error.ts";
import type { KubeClient } from "../kube/kube-client.ts";
import { builtins, resourcePath } from "../kube/resource-ref.ts";

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  /** Lease name; the epoch lives in the ConfigMap `<leaseName>-epoch`. */
  leaseName: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  now?: () => number;
  onStartedLeading: (epoch: number, signal: AbortSignal) => void | Promise<void>;
  onStoppedLeading?: () => void;
  onNewLeader?: (identity: string) => void;
  onError?: (error: unknown) => void;
}

interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

interface ConfigMap {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  data?: Record<string, string>;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/**
 * Lease-based leader election, as client-go does it: the holder renews `spec.renewTime` every retry period; a
 * candidate takes over only after it has watched the record stay unchanged for a whole lease duration (judged by
 * its own clock, never the holder's). Every new leadership increments an epoch persisted in a ConfigMap, written
 * while holding the lease, so everything the leader reports is ordered after its predecessor's.
 */
export class LeaderElection {
  private readonly o: Required<Omit<LeaderElectionOptions, "onStoppedLeading" | "onNewLeader" | "onError">> &
    Pick<LeaderElectionOptions, "onStoppedLeading" | "onNewLeader" | "onError">;
  private observed: { record: string; at: number } | undefined;
  private leading: AbortController | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastLeader: string | undefined;
  epoch = 0;

  constructor(options: LeaderElectionOptions) {
    this.o = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, now: Date.now, ...options };
  }

  get isLeader(): boolean {
    return this.leading !== undefined && !this.leading.signal.aborted;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning; a leader releases the lease so a successor need not wait for it to expire. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (this.isLeader) {
      await this.release().catch((e) => this.o.onError?.(e));
      this.stepDown();
    }
  }

  private leasePath(name?: string): string {
    return resourcePath(builtins.leases, this.o.namespace, name);
  }

  private async run(): Promise<void> {
    let lastRenew = 0;
    while (!this.stopped) {
      try {
        const held = await this.tryAcquireOrRenew();
        if (held) {
          lastRenew = this.o.now();
          if (!this.isLeader) {
            this.epoch = await this.bumpEpoch();
            this.leading = new AbortController();
            void Promise.resolve(this.o.onStartedLeading(this.epoch, this.leading.signal)).catch((e) =>
              this.o.onError?.(e),
            );
          }
        } else if (this.isLeader) {
          this.stepDown();
        }
      } catch (e) {
        this.o.onError?.(e);
        if (this.isLeader && this.o.now() - lastRenew > this.o.renewDeadlineMs) this.stepDown();
      }
      await this.sleep(this.o.retryPeriodMs);
    }
  }

  private stepDown(): void {
    if (!this.leading) return;
    this.leading.abort();
    this.leading = undefined;
    this.o.onStoppedLeading?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** One round: true when this candidate holds the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.o.now();
    const durationSeconds = Math.ceil(this.o.leaseDurationMs / 1000);
    let lease: Lease;
    try {
      lease = await this.o.client.get<Lease>(this.leasePath(this.o.leaseName));
    } catch (e) {
      if (!KubeApiError.isNotFound(e)) throw e;
      await this.o.client.create<Lease>(this.leasePath(), {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: this.o.leaseName, namespace: this.o.namespace },
        spec: {
          holderIdentity: this.o.identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      });
      this.noteLeader(this.o.identity);
      return true;
    }
    const spec = lease.spec ?? {};
    const record = `${spec.holderIdentity ?? ""}|${spec.renewTime ?? ""}|${spec.leaseTransitions ?? 0}`;
    if (this.observed?.record !== record) this.observed = { record, at: now };
    const holder = spec.holderIdentity ?? "";
    if (holder) this.noteLeader(holder);
    const expired = !holder || now >= this.observed.at + (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (holder !== this.o.identity && !expired) return false;

    const takingOver = holder !== this.o.identity;
    const next: Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: this.o.identity,
        leaseDurationSeconds: durationSeconds,
        renewTime: microTime(now),
        ...(takingOver ? { acquireTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
      },
    };
    try {
      // A replace carries our resourceVersion: if anyone else wrote the lease since we read it, we get a 409.
      const written = await this.o.client.replace<Lease>(this.leasePath(this.o.leaseName), next);
      const s = written.spec;
      this.observed = { record: `${s.holderIdentity ?? ""}|${s.renewTime ?? ""}|${s.leaseTransitions ?? 0}`, at: now };
      this.noteLeader(this.o.identity);
      return true;
    } catch (e) {
      if (KubeApiError.isConflict(e)) return false;
      throw e;
    }
  }

  private noteLeader(identity: string): void {
    if (identity !== this.lastLeader) {
      this.lastLeader = identity;
      this.o.onNewLeader?.(identity);
    }
  }

  private async release(): Promise<void> {
    const lease = await this.o.client.get<Lease>(this.leasePath(this.o.leaseName));
    if (lease.spec?.holderIdentity !== this.o.identity) return;
    await this.o.client.replace(this.leasePath(this.o.leaseName), {
      ...lease,
      spec: { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: microTime(this.o.now()) },
    });
  }

  /** Increments the persisted epoch with optimistic concurrency; only a lease holder calls this. */
  private async bumpEpoch(): Promise<number> {
    const path = resourcePath(builtins.configMaps, this.o.namespace);
    const name = `${this.o.leaseName}-epoch`;
    for (let attempt = 0; attempt < 5; attempt++) {
      let cm: ConfigMap | undefined;
      try {
        cm = await this.o.client.get<ConfigMap>(`${path}/${name}`);
      } catch (e) {
        if (!KubeApiError.isNotFound(e)) throw e;
      }
      const epoch = Number(cm?.data?.epoch ?? "0") + 1;
      const data = { ...(cm?.data ?? {}), epoch: String(epoch), holder: this.o.identity };
      try {
        if (cm) await this.o.client.replace(`${path}/${name}`, { ...cm, data });
        else
          await this.o.client.create(path, {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name, namespace: this.o.namespace },
            data,
          });
        return epoch;
      } catch (e) {
        if (!KubeApiError.isConflict(e) && !(e instanceof KubeApiError && e.code === 409)) throw e;
      }
    }
    throw new Error(`could not update ConfigMap ${name}: too many conflicts`);
  }
}
