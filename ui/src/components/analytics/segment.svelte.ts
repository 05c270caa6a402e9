// The analysis group the client list is filtered to (ListQuery.segment), set by the Analytics screen.
import type { SegmentFilter } from '../../lib/bindings/SegmentFilter';

export const segmentView = $state<{ filter: SegmentFilter | null; label: string }>({ filter: null, label: '' });

export function setSegment(filter: SegmentFilter | null, label = ''): void {
  segmentView.filter = filter;
  segmentView.label = label;
}
