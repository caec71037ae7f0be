// Google service account ids the program derives from the stack's name prefix.

/** IAM's longest service account id (projects.serviceAccounts.create, `accountId`: 6 to 30 characters). */
export const serviceAccountIdMaxLength = 30;

/**
 * The id of the stack's service account for `purpose`: `<prefix>-<purpose>`, cut to IAM's 30 characters.
 * IAM's pattern is `[a-z]([-a-z0-9]*[a-z0-9])` (projects.serviceAccounts.create; the Google provider's
 * `google_service_account.account_id`), so a cut that lands just after a hyphen drops the hyphens too:
 * a 25-character prefix gives `<prefix>-gke`, not `<prefix>-gke-`, which IAM refuses.
 */
export function serviceAccountId(namePrefix: string, purpose: string): string {
  return `${namePrefix}-${purpose}`.slice(0, serviceAccountIdMaxLength).replace(/-+$/, "");
}
