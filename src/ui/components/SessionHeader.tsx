/**
 * The session screen's top rows: runbook, progress and the outcomes told apart (`✓4 ⚑1 –1 ✗1`),
 * the session id (on a row of its own when it does not fit: it is copied), the phases, a banner,
 * and once signed the head hash to paste into a ticket.
 */
import { signedText, type KeyTrust } from '../../journal/key-trust.js';
import { Box } from 'ink';
import { Text } from './Text.js';
import { outcomeCounts, type StepOutcome } from '../../engine/outcomes.js';
import type { SessionState } from '../../engine/state.js';
import { STATUS_MARK, tone } from '../theme.js';
import { truncate, wrapExact, wrapText } from '../text.js';
import { Banner, bannerLines, type BannerMessage } from './Banner.js';

const SHOWN: readonly StepOutcome[] = ['done', 'accepted', 'skipped', 'failed'];

interface HeaderModel {
  tail: string;
  counts: { outcome: StepOutcome; text: string }[];
  oneLine: boolean;
  idLines: string[];
  phaseBar: string;
  signed: { text: string; bold: boolean }[];
}

/**
 * `trust` says whose key made the last sign-off (undefined while the keys load): a signature by an
 * unknown key proves only that its holder signed, and the header says so.
 */
export function headerModel(
  state: SessionState,
  width: number,
  journalPath: string,
  trust?: KeyTrust,
): HeaderModel {
  const resolved = state.phases.reduce((n, p) => n + p.resolved, 0);
  const total = state.phases.reduce((n, p) => n + p.total, 0);
  const c = outcomeCounts(state);
  const counts = SHOWN.filter((o) => c[o] > 0).map((o) => ({
    outcome: o,
    text: `${STATUS_MARK[o].mark}${c[o]}`,
  }));
  const tail = ` ${state.runbook.title} · ${resolved}/${total}`;
  const countsLen = counts.length ? 3 + counts.map((x) => x.text).join(' ').length : 0;
  const oneLine = 6 + tail.length + countsLen + ` · session ${state.id}`.length <= width;
  const last = state.signoffs.at(-1);
  // The hash and the path are copied into tickets: never cut, wrapped onto rows of their own.
  const signed =
    state.status === 'signed' && last
      ? [
          ...wrapText(
            `✓ ${signedText(last.signer, trust ?? 'local').replace(/^signed/, 'SIGNED')} — head hash (paste into the ticket):`,
            width,
          ).map((text) => ({ text, bold: true })),
          ...wrapExact(last.hash, width).map((text) => ({ text, bold: true })),
          ...wrapExact(journalPath, width, 'journal: ').map((text) => ({ text, bold: false })),
        ]
      : [];
  return {
    tail,
    counts,
    oneLine,
    idLines: oneLine ? [] : wrapExact(state.id, width, 'session '),
    phaseBar: state.phases.map((p) => `${p.title} ${p.resolved}/${p.total}`).join(' │ '),
    signed,
  };
}

/** Rows the header takes (title, id, phases, banner, signed lines). */
export function headerRows(m: HeaderModel, banner: BannerMessage | undefined, width: number) {
  return 2 + m.idLines.length + bannerLines(banner, width).length + m.signed.length;
}

export function SessionHeader({
  model: m,
  banner,
  sessionId,
  width,
}: {
  model: HeaderModel;
  banner: BannerMessage | undefined;
  sessionId: string;
  width: number;
}) {
  const countText = m.counts.map((x) => x.text).join(' ');
  const showCounts = m.counts.length > 0 && 6 + m.tail.length + 3 + countText.length <= width;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        <Text color={tone('accent')}>WARDEN</Text>
        {truncate(m.tail, width - 6)}
        {showCounts ? ' · ' : ''}
        {showCounts
          ? m.counts.map((x, i) => (
              <Text key={x.outcome} color={tone(STATUS_MARK[x.outcome].tone)}>
                {(i > 0 ? ' ' : '') + x.text}
              </Text>
            ))
          : null}
        {m.oneLine ? ` · session ${sessionId}` : ''}
      </Text>
      {m.idLines.map((l, i) => (
        <Text key={i} color={tone('muted')} wrap="truncate">
          {l}
        </Text>
      ))}
      <Text color={tone('muted')} wrap="truncate">
        {truncate(m.phaseBar, width)}
      </Text>
      <Banner message={banner} width={width} />
      {m.signed.map((l, i) => (
        <Text key={i} color={tone('ok')} bold={l.bold} wrap="truncate">
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
