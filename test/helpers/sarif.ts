import { z } from 'zod';

/*
 * No network here, so no official JSON schema: this validates the essential structure of the
 * SARIF 2.1.0 schema (sarif-schema-2.1.0.json) that consumers such as GitHub code scanning rely on.
 */
export const sarifSchema = z.object({
  $schema: z.string().regex(/sarif-2\.1\.0/),
  version: z.literal('2.1.0'),
  runs: z
    .array(
      z.object({
        originalUriBaseIds: z
          .record(z.string(), z.object({ uri: z.string().regex(/^file:\/\/\/.*\/$/) }))
          .optional(),
        tool: z.object({
          driver: z.object({
            name: z.string().min(1),
            version: z.string().optional(),
            rules: z.array(
              z.object({
                id: z.string().min(1),
                shortDescription: z.object({ text: z.string() }).optional(),
                help: z.object({ text: z.string(), markdown: z.string().optional() }).optional(),
                defaultConfiguration: z
                  .object({ level: z.enum(['none', 'note', 'warning', 'error']) })
                  .optional(),
              }),
            ),
          }),
        }),
        results: z.array(
          z.object({
            ruleId: z.string(),
            ruleIndex: z.number().int().min(0).optional(),
            level: z.enum(['none', 'note', 'warning', 'error']),
            message: z.object({ text: z.string().min(1) }),
            locations: z
              .array(
                z.object({
                  physicalLocation: z
                    .object({
                      artifactLocation: z.object({
                        uri: z.string().min(1),
                        uriBaseId: z.string().optional(),
                      }),
                      region: z.object({ startLine: z.number().int().min(1) }),
                    })
                    .optional(),
                  logicalLocations: z.array(z.object({ name: z.string() })).optional(),
                }),
              )
              .min(1),
            suppressions: z
              .array(
                z.object({
                  kind: z.enum(['inSource', 'external']),
                  justification: z.string().optional(),
                }),
              )
              .optional(),
          }),
        ),
      }),
    )
    .length(1),
});
