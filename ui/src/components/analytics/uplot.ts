// uPlot, loaded on the first chart. Why not in the main bundle: when its module loads, uPlot builds an
// Intl.NumberFormat from navigator.language, and where the system reports no valid language tag
// (LANG=C on some Linux desktops and in CI, where WebKitGTK says "C") that throws a RangeError — in
// the main bundle it took the whole UI down at start-up. Loaded lazily, and with navigator.language
// read as 'en-US' for that load when it is not a valid tag (the charts format their own numbers in
// the UI language; uPlot's own default formatter is not used).
import type uPlot from 'uplot';

let loading: Promise<typeof uPlot> | null = null;

export function loadUPlot(): Promise<typeof uPlot> {
  if (!loading) {
    try {
      new Intl.NumberFormat(navigator.language);
    } catch {
      try {
        Object.defineProperty(navigator, 'language', { value: 'en-US', configurable: true });
      } catch {
        // Left as it is: the import below then fails and the chart says so.
      }
    }
    loading = import('uplot').then((m) => m.default);
    loading.catch(() => (loading = null));
  }
  return loading;
}
