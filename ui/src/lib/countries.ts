// Countries offered in pickers (names come from Intl.DisplayNames in the rep's language).
export const COUNTRIES = [
  'UA', 'RU', 'BY', 'KZ', 'MD', 'GE', 'AM', 'AZ', 'UZ', 'KG', 'TJ', 'TM', 'GR', 'CY', 'CN', 'HK', 'TW', 'SG',
  'PL', 'RO', 'BG', 'TR', 'DE', 'AT', 'CH', 'FR', 'IT', 'ES', 'PT', 'NL', 'BE', 'CZ', 'SK', 'HU', 'LT', 'LV',
  'EE', 'FI', 'SE', 'NO', 'DK', 'IE', 'GB', 'US', 'CA', 'IL', 'AE', 'IN', 'JP', 'KR', 'AU',
] as const;
