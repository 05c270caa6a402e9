// The Analytics screen's choices, kept while the user visits a filtered list or a card and comes back.
import type { AnalysisKind } from '../../lib/bindings/AnalysisKind';
import type { Metric } from '../../lib/bindings/Metric';
import { daysAgo } from '../orders/money';

export type Period = 'all' | '365' | '180' | '90' | '30';

export const analyticsView = $state<{ tab: 'groups' | 'lost' | 'charts'; kind: AnalysisKind; metric: Metric; period: Period; group: string | null }>({
  tab: 'groups',
  kind: 'abc',
  metric: 'revenue',
  period: 'all',
  group: null,
});

/** The period's first day (`YYYY-MM-DD`), absent for all time. */
export function periodFrom(p: Period): string | undefined {
  return p === 'all' ? undefined : daysAgo(Number(p) - 1);
}
