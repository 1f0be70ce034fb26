/** `{{input}}` templating. Only names declared as inputs are substituted; others stay literal. */

const TEMPLATE = /\{\{\s*([a-z0-9][a-z0-9_-]*)\s*\}\}/g;

/** Names of inputs referenced by a string (only plain lowercase names, not Go templates). */
export function templateNames(value: string): string[] {
  return [...value.matchAll(TEMPLATE)].map((m) => m[1] as string);
}

export function fillTemplate(
  value: string,
  declared: ReadonlySet<string>,
  values: Readonly<Record<string, string>>,
): string {
  return value.replace(TEMPLATE, (whole, name: string) =>
    declared.has(name) ? (values[name] ?? '') : whole,
  );
}
