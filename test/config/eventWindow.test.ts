import * as assert from "assert";
import { refusalsOf } from "../support/refusals";
import { exampleWindows, loadStackConfig, stackNames, stacksAsOf } from "../support/stacks";

// The event window against the clock: a window that is over when the program runs is refused (its
// "no upgrades" maintenance exclusion would protect nothing), and the example stacks stay ahead of the
// clock by a rule the tests check, with the clock fixed at `stacksAsOf` so no test depends on today.

const MS = 1;

function eventIssues(stack: string, now: Date): string[] {
  return refusalsOf(stack, {}, "eventEnd", { now, parseOnly: true });
}

describe("the event window and the clock", () => {
  for (const stack of stackNames) {
    describe(`the ${stack} stack`, () => {
      // Parsed before each test, not while mocha loads the file (docs/testing.md).
      let start: Date;
      let end: Date;
      beforeEach(() => {
        ({ start, end } = loadStackConfig(stack).event);
      });

      it("is accepted before and during its event", () => {
        assert.deepStrictEqual(eventIssues(stack, stacksAsOf), []);
        assert.deepStrictEqual(eventIssues(stack, new Date(start.getTime() - MS)), []);
        assert.deepStrictEqual(eventIssues(stack, new Date(end.getTime() - MS)), []);
      });

      it("is refused from the moment its event ends, naming the key, the clock and the way out", () => {
        for (const now of [end, new Date(end.getTime() + 365 * 86_400_000)]) {
          const [issue, ...more] = eventIssues(stack, now);
          assert.deepStrictEqual(more, []);
          assert.match(issue ?? "", new RegExp(`a time after now \\(${now.toISOString()}\\): the event is over`));
          assert.match(issue ?? "", /eventStart and eventEnd, or tear the stack down with `pulumi destroy`/);
        }
      });
    });
  }

  it("the example stacks are dated by their rule, counted from stacksAsOf", () => {
    const rule: Readonly<Record<string, { start: Date; end: Date } | undefined>> = exampleWindows(stacksAsOf);
    for (const stack of stackNames) {
      const { start, end } = loadStackConfig(stack).event;
      const dated = rule[stack];
      assert.ok(dated, `stacks/Pulumi.${stack}.yaml has no dating rule: add one to exampleWindows (test/support/stacks.ts)`);
      assert.deepStrictEqual(
        { start: start.toISOString(), end: end.toISOString() },
        { start: dated.start.toISOString(), end: dated.end.toISOString() },
        `stacks/Pulumi.${stack}.yaml does not follow the dating rule as of ${stacksAsOf.toISOString()}`,
      );
    }
  });

  it("the dating rule puts the event six months or more ahead, and the rehearsal a week before it", () => {
    for (const asOf of ["2026-12-02T00:00:00Z", "2027-01-15T12:00:00Z", "2027-06-10T00:00:00Z", "2028-02-29T00:00:00Z"]) {
      const { event, dev } = exampleWindows(new Date(asOf));
      assert.ok(event.start.getTime() - new Date(asOf).getTime() >= 180 * 86_400_000, asOf);
      assert.ok(event.start.getTime() - new Date(asOf).getTime() < (180 + 366) * 86_400_000, asOf);
      assert.strictEqual(event.start.getUTCDay(), 1, `${asOf}: a Monday`);
      assert.strictEqual(event.start.getUTCMonth(), 11, `${asOf}: in December`);
      assert.ok(event.start.getUTCDate() <= 7, `${asOf}: the first Monday`);
      assert.strictEqual(event.start.getTime() - dev.start.getTime(), 7 * 86_400_000 - 3_600_000, asOf);
      assert.strictEqual(dev.end.getTime() - dev.start.getTime(), 8 * 3_600_000, asOf);
    }
    assert.strictEqual(exampleWindows(new Date("2026-12-02T00:00:00Z")).event.start.toISOString(), "2027-12-06T08:00:00.000Z");
    assert.strictEqual(exampleWindows(new Date("2027-01-15T00:00:00Z")).event.start.toISOString(), "2027-12-06T08:00:00.000Z");
    assert.strictEqual(exampleWindows(new Date("2027-06-09T00:00:00Z")).event.start.toISOString(), "2027-12-06T08:00:00.000Z");
    assert.strictEqual(exampleWindows(new Date("2027-06-10T00:00:00Z")).event.start.toISOString(), "2028-12-04T08:00:00.000Z");
  });

  // A reminder, not a gate: CI must not start failing on a date. Pending (shown by mocha) once the real
  // clock is within 30 days of the dev rehearsal, when `npm run plan` without --as-of is about to refuse it.
  it("the example stacks are still ahead of today's date", function () {
    const soonest = Math.min(...stackNames.map((s) => loadStackConfig(s).event.start.getTime()));
    if (Date.now() > soonest - 30 * 86_400_000) {
      console.warn(`  The example stacks' windows are (nearly) over: set stacksAsOf in test/support/stacks.ts to today and the windows to what exampleWindows() gives.`);
      this.skip();
    }
  });
});
