// SLOW: runs the whole program under Pulumi's mock runtime.
import { assertProgramRefuses } from "./support/runs";
import { stackNames } from "./support/stacks";

// The program refuses a bad stack config before it declares anything, so a `pulumi up` with a typo
// changes nothing. What each key refuses and with which message is tested on the parser alone
// (test/config/); these run the program itself. The titles are those the tests had beside those checks.

for (const stack of stackNames) {
  describe(`edge config on the ${stack} stack`, function () {
    this.timeout(120_000);

    it("refuses a bad edge key before the program declares any resource", () =>
      assertProgramRefuses(stack, { hubDomain: "*.hub.example.com" }, /hubDomain: got "\*\.hub\.example\.com"/));
  });
}

describe("the event window and the clock", function () {
  this.timeout(120_000);

  it("the program checks the window against the real clock", () =>
    // A window long past on any clock this test will ever run on.
    assertProgramRefuses(
      "dev",
      { eventStart: "2020-03-02T09:00:00Z", eventEnd: "2020-03-02T17:00:00Z" },
      /eventEnd: got "2020-03-02T17:00:00.000Z"; a time after now/,
      { now: new Date() },
    ));
});
