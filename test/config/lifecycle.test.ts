import * as assert from "assert";
import { ConfigError } from "../../infra/config/errors";
import { parseConfig } from "../../infra/config/parse";
import { loadStackConfig, rawWith } from "../support/stacks";

// The event-life keys: read from the one schema, refused with a message that names the key.

function issue(changes: Record<string, unknown>, key: string) {
  try {
    parseConfig(rawWith("event", changes));
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.find((i) => i.key === key);
    throw e;
  }
  return undefined;
}

describe("the event-life configuration", () => {
  it("reads the example event stack's placeholder billing account and organisers, and the defaults", () => {
    const { lifecycle } = loadStackConfig("event");
    assert.deepStrictEqual(lifecycle, { billingAccount: "012345-6789AB-CDEF01", notificationEmails: ["organisers@example.com"], exportRetentionDays: 30, teardownTimeoutMinutes: 30 });
    assert.deepStrictEqual(loadStackConfig("dev").lifecycle, { billingAccount: undefined, notificationEmails: [], exportRetentionDays: 30, teardownTimeoutMinutes: 30 });
  });

  it("refuses a billing account id in the wrong form", () => {
    assert.match(issue({ billingAccount: "billingAccounts/012345-6789AB-CDEF01" }, "billingAccount")!.allowed, /three groups of six upper-case hex digits, e\.g\. 012345-6789AB-CDEF01/);
    assert.match(issue({ billingAccount: "012345-6789ab-cdef01" }, "billingAccount")!.allowed, /upper-case/);
  });

  it("refuses more than five notification addresses, or something that is not one", () => {
    const six = ["a", "b", "c", "d", "e", "f"].map((x) => `${x}@example.org`);
    assert.match(issue({ notificationEmails: six }, "notificationEmails")!.allowed, /^at most 5 addresses \(a budget notifies at most 5 channels\); use a mailing list$/);
    assert.strictEqual(issue({ notificationEmails: six.slice(0, 5) }, "notificationEmails"), undefined);
    assert.match(issue({ notificationEmails: ["organisers"] }, "notificationEmails")!.allowed, /email addresses/);
  });

  it("bounds the export retention and the destroy wait", () => {
    assert.match(issue({ exportRetentionDays: 0 }, "exportRetentionDays")!.allowed, /from 1 to 365/);
    assert.match(issue({ exportRetentionDays: 366 }, "exportRetentionDays")!.allowed, /from 1 to 365/);
    assert.strictEqual(issue({ exportRetentionDays: 365 }, "exportRetentionDays"), undefined);
    assert.match(issue({ teardownTimeoutMinutes: 4 }, "teardownTimeoutMinutes")!.allowed, /from 5 to 120/);
    assert.match(issue({ teardownTimeoutMinutes: 121 }, "teardownTimeoutMinutes")!.allowed, /from 5 to 120/);
  });
});
