import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { BudgetPlan } from "../plan/lifecycle";

// A Cloud Billing budget on the event's project, alerting at fractions of the plan's own cost estimate.
// Field names: @pulumi/gcp 9.37 billing/budget.d.ts. The budget lives on the billing account, not in the
// project: whoever runs `pulumi up` needs the Billing Account Costs Manager role (or Administrator) on it,
// and the Budget API answers calls from user credentials only with a quota project set
// (`gcloud auth application-default set-quota-project <project>`; docs/runbook.md).

export interface EventBudgetArgs {
  /** The project id from `ProjectApis.project`, so the budget waits for the APIs. */
  readonly project: pulumi.Input<string>;
  readonly budget: BudgetPlan;
  /** Monitoring channel names (projects/<p>/notificationChannels/<id>), at most five. */
  readonly channelNames: pulumi.Input<string[]>;
  readonly displayName: string;
}

export class EventBudget extends pulumi.ComponentResource {
  readonly budgetName: pulumi.Output<string>;

  constructor(name: string, args: EventBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:lifecycle:EventBudget", name, {}, opts);
    const { budget } = args;
    // "A set of projects of the form projects/{project_number}" (budget.d.ts, budgetFilter.projects).
    const projectNumber = gcp.organizations.getProjectOutput({ projectId: args.project }, { parent: this }).number;

    const resource = new gcp.billing.Budget(`${name}-budget`, {
      billingAccount: budget.billingAccount,
      displayName: args.displayName,
      budgetFilter: {
        projects: [pulumi.interpolate`projects/${projectNumber}`],
        // The event's window with its standby days, not a calendar month that would mix in other spend.
        customPeriod: { startDate: { ...budget.start }, endDate: { ...budget.end } },
        creditTypesTreatment: "INCLUDE_ALL_CREDITS",
      },
      amount: { specifiedAmount: { currencyCode: budget.currency, units: String(budget.amountUnits) } },
      // Actual spend only: Cloud Billing does not forecast spend for a custom period.
      thresholdRules: budget.thresholds.map((thresholdPercent) => ({ thresholdPercent, spendBasis: "CURRENT_SPEND" })),
      allUpdatesRule: {
        monitoringNotificationChannels: args.channelNames,
        // The billing account's administrators are told as well: they pay.
        disableDefaultIamRecipients: false,
      },
    }, { parent: this });
    this.budgetName = resource.name;
    this.registerOutputs({ budgetName: this.budgetName });
  }
}
