/** The container picker's state: one reducer (list, filter, typed-by-hand). Pure. */
import { filterRows, type ContainerRow } from '../live.js';
import { truncate } from '../text.js';

export type PickerMode = 'loading' | 'list' | 'filter' | 'manual';

export interface PickerState {
  mode: PickerMode;
  rows?: ContainerRow[];
  /** Why the engine could not list containers (the picker falls back to typing). */
  unreachable?: string;
  /** The initial value named no container on the engine. */
  missing?: string;
  filter: string;
  selected: number;
}

export type PickerItem = { kind: 'empty' } | { kind: 'container'; row: ContainerRow };

export type PickerEvent =
  | { type: 'loaded'; rows: ContainerRow[]; initial: string; optional: boolean }
  | { type: 'failed'; message: string }
  | { type: 'mode'; mode: PickerMode }
  | { type: 'filter'; value: string }
  | { type: 'move'; delta: number; count: number };

export function pickerItems(s: PickerState, optional: boolean): PickerItem[] {
  const rows = filterRows(s.rows ?? [], s.filter).map((row) => ({
    kind: 'container' as const,
    row,
  }));
  return optional && !s.filter.trim() ? [{ kind: 'empty' }, ...rows] : rows;
}

export function pickerReducer(s: PickerState, e: PickerEvent): PickerState {
  switch (e.type) {
    case 'loaded': {
      const base = { ...s, rows: e.rows, filter: '', unreachable: undefined };
      const offset = e.optional ? 1 : 0;
      if (!e.initial) return { ...base, mode: 'list', selected: 0 };
      const at = e.rows.findIndex((r) => r.name === e.initial || r.id.startsWith(e.initial));
      if (at < 0) return { ...base, mode: 'manual', missing: e.initial, selected: 0 };
      return { ...base, mode: 'list', selected: at + offset };
    }
    case 'failed':
      return { ...s, mode: 'manual', unreachable: e.message };
    case 'mode':
      if (e.mode === 'list' && s.mode === 'filter')
        return { ...s, mode: 'list', filter: '', selected: 0 };
      if (e.mode === 'filter') return { ...s, mode: 'filter', selected: 0 };
      return { ...s, mode: e.mode, missing: e.mode === 'list' ? undefined : s.missing };
    case 'filter':
      return e.value === s.filter ? s : { ...s, filter: e.value, selected: 0 };
    case 'move':
      return {
        ...s,
        selected: Math.min(Math.max(0, s.selected + e.delta), Math.max(0, e.count - 1)),
      };
  }
}

/** Fixed-width columns: name, image, state, then networks and published ports as they come. */
export function rowText(row: ContainerRow, widths: ColumnWidths): string {
  const nets = row.networks.join(',') || '-';
  const ports = row.ports.join(' ');
  const fit = (t: string, w: number) => truncate(t, w).padEnd(w);
  return [
    fit(row.name, widths.name),
    fit(row.image, widths.image),
    fit(row.state, STATE_WIDTH),
    nets,
    ports,
  ]
    .join(' ')
    .trimEnd();
}

export function headText(widths: ColumnWidths): string {
  return `${'NAME'.padEnd(widths.name)} ${'IMAGE'.padEnd(widths.image)} ${'STATE'.padEnd(STATE_WIDTH)} NETWORKS PORTS`;
}

export interface ColumnWidths {
  name: number;
  image: number;
}

const STATE_WIDTH = 8;
const MIN_NAME = 4; // "NAME"
const MIN_IMAGE = 5; // "IMAGE"
const MAX_IMAGE = 30;
/** Room kept for networks and ports once name and image fit, when the line allows it. */
const TAIL = 10;

/**
 * Column widths for a row of `width` characters. Names tell containers apart (`wt-ir-victim-…`
 * and `wt-ir-bystander-…`), so the name column gets the longest name first; the image takes what
 * is left, networks and ports after it are cut by the line's width.
 */
export function columnWidths(rows: readonly ContainerRow[], width: number): ColumnWidths {
  const longestName = Math.max(MIN_NAME, ...rows.map((r) => r.name.length));
  const longestImage = Math.max(MIN_IMAGE, ...rows.map((r) => r.image.length));
  const gaps = 3; // name␣image␣state␣
  const name = Math.max(MIN_NAME, Math.min(longestName, width - gaps - MIN_IMAGE - STATE_WIDTH));
  const image = Math.max(
    MIN_IMAGE,
    Math.min(longestImage, MAX_IMAGE, width - gaps - name - STATE_WIDTH - TAIL),
  );
  return { name, image };
}
