// Lint for the program, the policy pack and the tests: typescript-eslint's recommended rules with type
// information, plus Pulumi's own plugin (the rule pulumi-eks runs as an error: an Output inside a template
// literal prints a warning text instead of its value; pulumi.interpolate is the fix).
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  { ignores: ["node_modules/**", "policy-pack/node_modules/**", "**/*.js", "**/*.cjs", "**/*.mjs", "reports/**", ".stryker-tmp/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      // One TypeScript program for the whole repository (tsconfig.json includes infra/, policy-pack/ and
      // test/; a .ts file outside it is an error). The project service would also open
      // policy-pack/tsconfig.json as a second program: twice the time and memory for the same types.
      parserOptions: { project: ["./tsconfig.json"], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      // Unused names are dead code; a leading underscore marks a parameter kept for its position.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // A floating promise in a program declares resources nobody waits for.
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
  {
    // Tests read nested inputs of declared resources loosely; that is what `inputs(r): any` is for.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
