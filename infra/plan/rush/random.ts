// A small seeded generator, so the rush simulation gives the same figures for the same seed on every
// machine. mulberry32 (Tommy Ettinger's public-domain 32-bit generator): fast, and good enough for arrival
// times; nothing here needs cryptographic quality.

/** A stream of uniform numbers in [0, 1) determined by `seed`. */
export function uniformStream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A seed derived from the stack's seed and a stream's name, so each class draws its own numbers. */
export function subSeed(seed: number, stream: string): number {
  // FNV-1a over the name, mixed with the seed.
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < stream.length; i++) {
    h ^= stream.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
