interface Peer<K> {
  key: K;
  weight: number;
  current: number;
}

/**
 * NGINX's smooth weighted round-robin: every pick adds each peer's weight to its running score, takes the
 * highest and subtracts the total from it. Over any run of `sum(weights)` picks each peer is chosen exactly
 * `weight` times, interleaved (5:1:1 gives a a b a c a a, not a a a a a b c), and the scores return to where they
 * started — which lets `distribute` settle whole cycles arithmetically and pick only the remainder one by one.
 */
export class SmoothWeightedRoundRobin<K> {
  #peers: Peer<K>[] = [];
  #total = 0;

  /** Replaces the peers; peers that stay keep their running score so the sequence continues smoothly. */
  setWeights(weights: Iterable<[K, number]>): void {
    const before = new Map(this.#peers.map((p) => [p.key, p.current]));
    const peers: Peer<K>[] = [];
    for (const [key, weight] of weights) {
      if (!(weight > 0) || !Number.isFinite(weight)) continue;
      peers.push({ key, weight, current: before.get(key) ?? 0 });
    }
    this.#peers = peers;
    this.#total = peers.reduce((n, p) => n + p.weight, 0);
  }

  get size(): number {
    return this.#peers.length;
  }

  next(): K | undefined {
    let best: Peer<K> | undefined;
    for (const p of this.#peers) {
      p.current += p.weight;
      if (!best || p.current > best.current) best = p;
    }
    if (best) best.current -= this.#total;
    return best?.key;
  }

  /** How many of `count` consecutive picks go to each peer. */
  distribute(count: number): Map<K, number> {
    const out = new Map<K, number>();
    if (this.#peers.length === 0 || count <= 0) return out;
    let remaining = count;
    const integral = this.#peers.every((p) => Number.isInteger(p.weight));
    if (integral && remaining >= this.#total) {
      const cycles = Math.floor(remaining / this.#total);
      for (const p of this.#peers) out.set(p.key, p.weight * cycles);
      remaining -= cycles * this.#total;
    }
    for (let i = 0; i < remaining; i++) {
      const k = this.next();
      if (k !== undefined) out.set(k, (out.get(k) ?? 0) + 1);
    }
    return out;
  }
}
