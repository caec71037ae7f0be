import * as assert from "assert";
import { parseConfig } from "../../infra/config/parse";
import { configIssues } from "../support/refusals";
import { loadStackConfig, rawWith, stacksAsOf } from "../support/stacks";

// The timetable key (infra/config/parse.ts parseTimetable): classes inside the event window, within the
// peak, named once; and the keys it replaced, refused with what replaced them.

function issues(stack: string, changes: Record<string, unknown>) {
  return configIssues(stack, changes, { now: stacksAsOf, parseOnly: true }).map(({ key, allowed }) => ({ key, allowed }));
}

const klass = (overrides: Record<string, unknown> = {}) => ({ name: "a", start: "2027-12-06T09:00:00Z", users: 100, arrivalMinutes: 10, durationMinutes: 60, ...overrides });

describe("the timetable", () => {
  it("reads the event stack's six classes in start order, as dates", () => {
    const { classes } = loadStackConfig("event").rush;
    assert.deepStrictEqual(classes.map((c) => [c.name, c.start.toISOString(), c.users, c.arrivalMinutes, c.durationMinutes]), [
      ["Mon morning", "2027-12-06T09:00:00.000Z", 1000, 10, 180],
      ["Mon afternoon", "2027-12-06T14:00:00.000Z", 600, 15, 180],
      ["Tue morning", "2027-12-07T09:00:00.000Z", 1000, 10, 180],
      ["Tue afternoon", "2027-12-07T14:00:00.000Z", 600, 15, 180],
      ["Wed morning", "2027-12-08T09:00:00.000Z", 1000, 10, 180],
      ["Wed afternoon", "2027-12-08T14:00:00.000Z", 600, 15, 180],
    ]);
    // Sorted whatever the order in the file.
    const reversed = parseConfig(rawWith("event", { timetable: [klass({ name: "late", start: "2027-12-07T09:00:00Z" }), klass()] }), { now: stacksAsOf });
    assert.deepStrictEqual(reversed.rush.classes.map((c) => c.name), ["a", "late"]);
  });

  it("is one class of the peak at the event's start, over 10 minutes, when unset", () => {
    const config = parseConfig(rawWith("event", { timetable: undefined }), { now: stacksAsOf });
    assert.deepStrictEqual(config.rush.classes, [{ name: "class 1", start: new Date("2027-12-06T08:00:00Z"), users: 1000, arrivalMinutes: 10, durationMinutes: 180 }]);
  });

  it("keeps every class inside the event window", () => {
    assert.deepStrictEqual(issues("event", { timetable: [klass({ start: "2027-12-05T09:00:00Z" })] }), [
      { key: "timetable[0].start", allowed: "a time inside the event window, from eventStart (2027-12-06T08:00:00.000Z) to before eventEnd (2027-12-09T08:00:00.000Z)" },
    ]);
    const [late] = issues("event", { timetable: [klass({ start: "2027-12-09T07:30:00Z", durationMinutes: 60 })] });
    assert.strictEqual(late.key, "timetable[0].durationMinutes");
    assert.match(late.allowed, /ends by eventEnd \(2027-12-09T08:00:00.000Z\); this one would end at 2027-12-09T08:30:00.000Z/);
  });

  it("refuses more users than peakUsers in a class, or in classes that run at once", () => {
    assert.match(issues("event", { timetable: [klass({ users: 1001 })] })[0].allowed, /from 1 to peakUsers \(1000\)/);
    const [together] = issues("event", { timetable: [klass({ users: 600 }), klass({ name: "b", start: "2027-12-06T09:30:00Z", users: 500 })] });
    assert.strictEqual(together.key, "timetable");
    assert.match(together.allowed, /at 2027-12-06T09:30:00.000Z a \(600\) and b \(500\) hold 1100: raise peakUsers or move a class/);
  });

  it("names each bad field, with the shape of a class", () => {
    const found = issues("event", { timetable: [{ name: "", start: "9am", users: 0, arrivalMinutes: 0, durationMinutes: 5, room: "A1" }, "a class"] });
    assert.deepStrictEqual(found.map((i) => i.key), [
      "timetable[0].room", "timetable[0].name", "timetable[0].start", "timetable[0].users", "timetable[0].arrivalMinutes", "timetable[0].durationMinutes", "timetable[1]",
    ]);
    assert.match(found[0].allowed, /not a field of a class; a class is \{name, start: <ISO 8601 time>, users: 1–1000, arrivalMinutes: 1–240, durationMinutes: 10–1440\}/);
    assert.match(found[2].allowed, /ISO 8601 timestamp with a time zone/);
  });

  it("refuses two classes of one name (each titles a chart panel)", () => {
    const found = issues("event", { timetable: [klass(), klass({ start: "2027-12-07T09:00:00Z" })] });
    assert.deepStrictEqual(found, [{ key: "timetable.name", allowed: "class names must differ: each titles its own chart panel and report line" }]);
  });

  it("refuses the keys it replaced, saying what replaced them", () => {
    const found = issues("event", { arrivalRatePerMinute: 60, nodeStartupMinutes: 4 });
    assert.deepStrictEqual(found.map((i) => i.key), ["arrivalRatePerMinute", "nodeStartupMinutes"]);
    assert.match(found[0].allowed, /retired: describe the classes instead with `timetable`/);
    assert.match(found[1].allowed, /retired: set its parts, `autoscalerReactionSeconds`, `nodeBootSeconds`, `imagePullSeconds` and `podStartSeconds`/);
  });

  it("reads the timings with their published defaults", () => {
    assert.deepStrictEqual(loadStackConfig("event").rush.timings, {
      hubLoginsPerSecond: 2, autoscalerReactionSeconds: 30, nodeBootSeconds: 120, imagePullSeconds: 300, podStartSeconds: 20,
    });
    assert.strictEqual(loadStackConfig("event").rush.waitTargetSeconds, 60);
    assert.match(issues("event", { imagePullSeconds: -1 })[0].allowed, /from 0 to 3600/);
  });
});
