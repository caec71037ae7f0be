import * as assert from "assert";
import { subSeed, uniformStream } from "../../infra/plan/rush/random";
import { arrivalTimes } from "../../infra/plan/rush/timetable";

// The rush's seeded numbers. What a user relies on: the same `rushSeed` gives the same arrivals, retry
// delays and so the same plan, on every machine and after every upgrade of Node.js; another seed, other
// draws. The sequences are written out, computed with Tommy Ettinger's C reference of mulberry32
// (gist tommyettinger/46a874533244883189143505d203312c: z = (state += 0x6D2B79F5); z = (z ^ z >> 15) *
// (z | 1); z ^= z + (z ^ z >> 7) * (z | 61); return z ^ z >> 14) compiled with gcc, as 32-bit numerators
// over 2^32.

const TWO_32 = 4_294_967_296;
const first = (seed: number, count: number) => {
  const next = uniformStream(seed);
  return Array.from({ length: count }, () => next() * TWO_32);
};

describe("the rush's seeded random numbers", () => {
  it("mulberry32: the reference's first numbers for seeds 0, 1 and 2^32 - 1", () => {
    assert.deepStrictEqual(first(0, 5), [1144304738, 1416247, 958946056, 627933444, 2007157716]);
    assert.deepStrictEqual(first(1, 5), [2693262067, 11749833, 2265367787, 4213581821, 4159151403]);
    assert.deepStrictEqual(first(4_294_967_295, 5), [3850105811, 813802916, 3073704848, 4054706436, 3630262831]);
    // As a fraction of 1: seed 1's first is 0.627..., in [0, 1).
    assert.strictEqual(uniformStream(1)(), 2693262067 / TWO_32);
  });

  it("reads a seed as an unsigned 32-bit number: -1 is 2^32 - 1, 2^32 is 0", () => {
    assert.deepStrictEqual(first(-1, 3), [3850105811, 813802916, 3073704848]);
    assert.deepStrictEqual(first(TWO_32, 3), [1144304738, 1416247, 958946056]);
  });

  it("the same seed gives the same numbers, and each stream draws on its own", () => {
    const a = uniformStream(42);
    const b = uniformStream(42);
    // Drawing from one does not move the other.
    const fromA = [a(), a(), a()];
    assert.deepStrictEqual([b(), b(), b()], fromA);
    assert.deepStrictEqual(fromA.map((x) => x * TWO_32), [2581720956, 1925393290, 3661312704]);
  });

  it("subSeed: FNV-1a of the stream's name, its offset basis mixed with the seed", () => {
    // FNV-1a 32-bit test vectors (Fowler/Noll/Vo, isthe.com/chongo/tech/comp/fnv, and the IETF draft
    // draft-eastlake-fnv): "" 0x811c9dc5, "a" 0xe40c292c, "foobar" 0xbf9cf968. Seed 0 leaves the basis as is.
    assert.deepStrictEqual([subSeed(0, ""), subSeed(0, "a"), subSeed(0, "foobar")], [0x811c9dc5, 0xe40c292c, 0xbf9cf968]);
    // Seed 1 flips the basis's lowest bit (the C reference loop, offset 0x811c9dc5 ^ seed).
    assert.deepStrictEqual([subSeed(1, ""), subSeed(1, "a"), subSeed(1, "foobar")], [0x811c9dc4, 3842779839, 3993034489]);
    assert.deepStrictEqual([subSeed(1, "retries:A"), subSeed(1, "draw:1"), subSeed(1, "draw:99")], [1922530367, 2342561247, 3019419850]);
    // -1 reads as 2^32 - 1, the basis's bits all flipped.
    assert.strictEqual(subSeed(-1, ""), 0x7ee3623a);
  });

  it("a class's arrivals: the same seed, the same crowd; another seed, another", () => {
    // The stream seeded with subSeed(seed, "arrivals:B"); floor(u × 60) for each of 3 users, sorted.
    const b = { name: "B", users: 3, arrivalMinutes: 1 };
    assert.deepStrictEqual(arrivalTimes(b, 1), [4, 5, 49]);
    assert.deepStrictEqual(arrivalTimes(b, 7), [14, 16, 30]);
  });
});
