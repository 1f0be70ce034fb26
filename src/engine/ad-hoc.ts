/** The synthetic runbook of sessions started by CLI verbs without --session. */
import type { Runbook } from '../runbook/types.js';

export const AD_HOC_RUNBOOK: Runbook = {
  id: 'ad-hoc',
  title: 'Ad-hoc incident actions',
  kind: 'incident',
  description:
    'Actions run from the command line (warden snapshot, isolate, backup, ...) outside a runbook, recorded in their own session.',
  inputs: [{ id: 'target', title: 'Target container', type: 'container', required: false }],
  phases: [
    {
      id: 'review',
      title: 'Review',
      steps: [
        {
          id: 'review-actions',
          title: 'Review the recorded actions',
          type: 'manual',
          guidance:
            'Check each action and its result below, add notes (what happened, what is left), then mark this done and sign off.',
          refs: [],
          requires: [],
          confirm: 'none',
          params: {},
        },
      ],
    },
  ],
};
