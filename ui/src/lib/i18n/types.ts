import type { en } from './en';

/** CLDR plural categories; `other` is always required (Chinese only has `other`). */
export type PluralForms = { zero?: string; one?: string; two?: string; few?: string; many?: string; other: string };

type En = typeof en;
export type Key = keyof En;
/** Keys whose value is a plain string. */
export type TextKey = { [K in Key]: En[K] extends string ? K : never }[Key];
/** Keys whose value has plural forms. */
export type PluralKey = Exclude<Key, TextKey>;
/** The shape every language must fill completely. */
export type Dict = { [K in Key]: En[K] extends string ? string : PluralForms };

export const LANGS = ['en', 'ru', 'uk', 'el', 'zh'] as const;
export type Lang = (typeof LANGS)[number];
