import type { OrderStatus } from '../../lib/bindings/OrderStatus';
import type { Tier } from '../../lib/bindings/Tier';
import { t, type TextKey } from '../../lib/i18n/index.svelte';

/** The seeded statuses' English names: a seeded status is translated by its code until renamed. */
const SEEDED: Record<string, string> = { new: 'New', paid: 'Paid', shipped: 'Shipped', delivered: 'Delivered', cancelled: 'Cancelled' };

export function statusName(s: OrderStatus | undefined): string {
  if (!s) return '';
  if (s.code && SEEDED[s.code] === s.name) return t(`or_status_${s.code}` as TextKey);
  return s.name;
}

export function tierName(tier: Tier): string {
  return t(`or_tier_${tier}` as TextKey);
}
