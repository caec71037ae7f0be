import { main } from "../../policy-pack/tools/check";
import { stackKeysFixing } from "./policyKeys";

// `npm run policy:check`: the pack's offline checker (policy-pack/tools/check.ts), told which stack config
// keys fix which policy (./policyKeys.ts). The pack itself knows nothing of this program's config.

if (require.main === module) {
  main(process.argv.slice(2), console.log, console.error, { fixHint: stackKeysFixing }).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(2);
    },
  );
}
