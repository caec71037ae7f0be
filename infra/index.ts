// Pulumi's entry point: every key of the exported object becomes a stack output.
import { deployHub } from "./program";

export = deployHub();
