/**
 * Engine events of a container, with how far back they really reach. The engine keeps only a
 * bounded buffer of recent events (and none from before its own start), so "the events since the
 * container's creation" may be a partial history; it is then said so ("events since <time>
 * only"), never presented as the whole.
 */
import type { ControlInspect, EngineEvent } from '../engine/docker-control-port.js';
import type { DockerPort } from '../engine/ports.js';

export interface EventsCoverage {
  /** True when the events reach back to what was asked: the creation, or the window's start. */
  complete: boolean;
  /** The earliest time the events cover (ISO). */
  since: string;
  /** Why they do not reach further back. */
  reason?: string;
  /** The read stopped at its limit: later events may be missing. */
  truncated?: boolean;
}

export async function eventsWithCoverage(
  docker: DockerPort,
  c: ControlInspect,
  o: {
    now: Date;
    windowS: number;
    limit: number;
    signal?: AbortSignal;
    /** `creation`: complete only when the events reach the container's creation. */
    want?: 'creation' | 'window';
  },
): Promise<{ events: EngineEvent[]; coverage: EventsCoverage }> {
  // Up to this very moment: an event of the current second is not left out.
  const nowS = o.now.getTime() / 1000;
  const windowStart = Math.floor(nowS - o.windowS);
  const createdMs = c.Created ? Date.parse(c.Created) : NaN;
  const createdS = Number.isNaN(createdMs) ? undefined : Math.floor(createdMs / 1000);
  const sinceCreation = createdS !== undefined && createdS >= windowStart;
  const from = sinceCreation ? createdS - 1 : windowStart;
  const iso = (s: number) => new Date(s * 1000).toISOString();
  const events = await docker.events({
    since: from,
    until: nowS,
    filters: { container: [c.Id] },
    limit: o.limit,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const truncated = events.length >= o.limit ? { truncated: true } : {};
  if (sinceCreation && events.some((e) => e.Action === 'create'))
    return { events, coverage: { complete: true, since: c.Created ?? iso(from), ...truncated } };
  // Where does the engine's buffer begin? Its oldest event, whatever container it is about.
  const oldest = await docker.events({
    since: from,
    until: nowS,
    limit: 1,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const first = oldest[0]?.time ?? nowS;
  const since = iso(Math.max(first, from));
  if (!sinceCreation && o.want === 'creation')
    return {
      events,
      coverage: {
        complete: false,
        since,
        reason: `events older than ${Math.round(o.windowS / 3600)} h are not read (the container was created ${c.Created ?? 'earlier'})`,
        ...truncated,
      },
    };
  if (!sinceCreation && first <= from + 1)
    return { events, coverage: { complete: true, since: iso(from), ...truncated } };
  return {
    events,
    coverage: {
      complete: false,
      since,
      reason: sinceCreation
        ? `the engine's event buffer no longer reaches back to the container's creation (${c.Created})`
        : `the engine holds no events older than ${since}`,
      ...truncated,
    },
  };
}
