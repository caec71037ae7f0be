import assert from "node:assert/strict";
import { serviceAccountId } from "../../infra/plan/serviceAccounts";

// IAM's service account ids (projects.serviceAccounts.create, `accountId`; the Google provider's
// `google_service_account.account_id`): 6 to 30 characters, `[a-z]([-a-z0-9]*[a-z0-9])`.
describe("service account ids", () => {
  it("is the prefix and the purpose when they fit in 30 characters", () => {
    assert.equal(serviceAccountId("event", "gke-nodes"), "event-gke-nodes");
    assert.equal(serviceAccountId("a".repeat(18), "home-export"), `${"a".repeat(18)}-home-export`, "exactly 30 characters: kept whole");
  });

  it("cuts to 30 characters", () => {
    assert.equal(serviceAccountId("a".repeat(19), "home-export"), `${"a".repeat(19)}-home-expor`, "31 characters: the last one cut");
  });

  it("never ends the id with a hyphen, however many the cut leaves at the end", () => {
    // A 24-character prefix: `<prefix>-home-` at the cut, which IAM refuses.
    assert.equal(serviceAccountId("b".repeat(24), "home-export"), `${"b".repeat(24)}-home`);
    assert.equal(serviceAccountId("c".repeat(28), "--x"), "c".repeat(28), "two hyphens at the cut: both dropped");
    assert.equal(serviceAccountId("d".repeat(29), "x"), "d".repeat(29), "the joining hyphen itself at the cut");
  });
});
