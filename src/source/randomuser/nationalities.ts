import {
  base,
  da,
  de,
  de_CH,
  en,
  en_AU,
  en_CA,
  en_GB,
  en_IE,
  en_US,
  es,
  es_MX,
  fa,
  fi,
  fr,
  nb_NO,
  ne,
  nl,
  pt_BR,
  sr_RS_latin,
  tr,
  uk,
  type LocaleDefinition,
} from '@faker-js/faker';

/**
 * What the local server needs to imitate one nationality of the real API. Symbols in patterns follow
 * faker's replaceSymbols: `#` a digit, `?` an upper-case letter, `*` either.
 */
export interface Nationality {
  readonly code: string;
  readonly country: string;
  /** Faker locales, most specific first; `en` and `base` fill the gaps. */
  readonly locales: readonly LocaleDefinition[];
  /** Script of generated names; `latin-to-cyrillic` transliterates (faker has Serbian only in Latin). */
  readonly nameScript: 'as-is' | 'latin-to-cyrillic';
  /** The API's quirk: some countries send the postcode as a JSON number, others as a string. */
  readonly postcode: { readonly kind: 'number'; readonly digits: number } | { readonly kind: 'string'; readonly patterns: readonly string[] };
  readonly phone: readonly string[];
  /** `null`: the API sends `{ name: "", value: null }` for this nationality. */
  readonly nationalId: { readonly name: string; readonly pattern: string } | null;
  /** Overrides faker's states where its fallback would be another country's (e.g. US states for IE). */
  readonly states?: readonly string[];
  /** Overrides faker's cities where the borrowed locale is another country's (Nepali for India). */
  readonly cities?: readonly string[];
}

const withFallback = (...locales: LocaleDefinition[]): LocaleDefinition[] => [...locales, en, base];
const num = (digits: number) => ({ kind: 'number', digits }) as const;
const str = (...patterns: string[]) => ({ kind: 'string', patterns }) as const;

export const NATIONALITIES: readonly Nationality[] = [
  { code: 'AU', country: 'Australia', locales: withFallback(en_AU), nameScript: 'as-is', postcode: num(4), phone: ['0#-####-####'], nationalId: { name: 'TFN', pattern: '#########' } },
  { code: 'BR', country: 'Brazil', locales: withFallback(pt_BR), nameScript: 'as-is', postcode: num(5), phone: ['(##) ####-####'], nationalId: { name: 'CPF', pattern: '###.###.###-##' } },
  { code: 'CA', country: 'Canada', locales: withFallback(en_CA), nameScript: 'as-is', postcode: str('?#? #?#'), phone: ['?##-?##-####'], nationalId: { name: 'SIN', pattern: '#########' } },
  { code: 'CH', country: 'Switzerland', locales: withFallback(de_CH), nameScript: 'as-is', postcode: num(4), phone: ['07# ### ## ##'], nationalId: { name: 'AVS', pattern: '756.####.####.##' } },
  { code: 'DE', country: 'Germany', locales: withFallback(de), nameScript: 'as-is', postcode: num(5), phone: ['0###-#######'], nationalId: { name: 'SVNR', pattern: '## ###### ? ###' } },
  { code: 'DK', country: 'Denmark', locales: withFallback(da), nameScript: 'as-is', postcode: num(4), phone: ['########'], nationalId: { name: 'CPR', pattern: '######-####' } },
  { code: 'ES', country: 'Spain', locales: withFallback(es), nameScript: 'as-is', postcode: num(5), phone: ['9##-###-###'], nationalId: { name: 'DNI', pattern: '########-?' } },
  { code: 'FI', country: 'Finland', locales: withFallback(fi), nameScript: 'as-is', postcode: num(5), phone: ['0#-###-###'], nationalId: { name: 'HETU', pattern: '######-###?' } },
  { code: 'FR', country: 'France', locales: withFallback(fr), nameScript: 'as-is', postcode: num(5), phone: ['0#-##-##-##-##'], nationalId: { name: 'INSEE', pattern: '############# ##' } },
  { code: 'GB', country: 'United Kingdom', locales: withFallback(en_GB), nameScript: 'as-is', postcode: str('??# #??', '??## #??', '?# #??', '??#? #??'), phone: ['01### ## ###', '0#### ######'], nationalId: { name: 'NINO', pattern: '?? ## ## ## ?' } },
  { code: 'IE', country: 'Ireland', locales: withFallback(en_IE), nameScript: 'as-is', postcode: str('?## ?#?#'), phone: ['0#1-###-####'], nationalId: { name: 'PPS', pattern: '#######T' }, states: ['Dublin', 'Cork', 'Galway', 'Kerry', 'Limerick', 'Mayo', 'Donegal', 'Wexford', 'Wicklow', 'Kildare', 'Meath', 'Clare'] },
  { code: 'IN', country: 'India', locales: withFallback(ne), nameScript: 'as-is', postcode: num(6), phone: ['#########'], nationalId: { name: 'UIDAI', pattern: '############' }, states: ['Maharashtra', 'Karnataka', 'Tamil Nadu', 'Kerala', 'Gujarat', 'Rajasthan', 'Punjab', 'Bihar', 'West Bengal', 'Uttar Pradesh'], cities: ['मुंबई', 'दिल्ली', 'पुणे', 'जयपुर', 'लखनऊ', 'Bengaluru', 'Chennai', 'Kochi', 'Ahmedabad', 'Kolkata', 'Patna', 'Amritsar'] },
  { code: 'IR', country: 'Iran', locales: withFallback(fa), nameScript: 'as-is', postcode: num(5), phone: ['0##-########'], nationalId: null },
  { code: 'MX', country: 'Mexico', locales: withFallback(es_MX), nameScript: 'as-is', postcode: num(5), phone: ['(6##) ### ####'], nationalId: { name: 'NSS', pattern: '## ## ## ####-#' } },
  { code: 'NL', country: 'Netherlands', locales: withFallback(nl), nameScript: 'as-is', postcode: str('#### ??'), phone: ['(0###) ######'], nationalId: { name: 'BSN', pattern: '########' } },
  { code: 'NO', country: 'Norway', locales: withFallback(nb_NO), nameScript: 'as-is', postcode: num(4), phone: ['########'], nationalId: { name: 'FN', pattern: '######## ###' } },
  { code: 'NZ', country: 'New Zealand', locales: withFallback(en_AU), nameScript: 'as-is', postcode: num(4), phone: ['(###)-###-####'], nationalId: null, states: ['Auckland', 'Wellington', 'Canterbury', 'Otago', 'Waikato', "Hawke's Bay", 'Northland', 'Taranaki'] },
  { code: 'RS', country: 'Serbia', locales: withFallback(sr_RS_latin), nameScript: 'latin-to-cyrillic', postcode: num(5), phone: ['0##-####-###'], nationalId: { name: 'SID', pattern: '#########' } },
  { code: 'TR', country: 'Turkey', locales: withFallback(tr), nameScript: 'as-is', postcode: num(5), phone: ['(###)-###-####'], nationalId: null },
  { code: 'UA', country: 'Ukraine', locales: withFallback(uk), nameScript: 'as-is', postcode: num(5), phone: ['(0##) ?##-####'], nationalId: null },
  { code: 'US', country: 'United States', locales: withFallback(en_US), nameScript: 'as-is', postcode: num(5), phone: ['(###) ###-####'], nationalId: { name: 'SSN', pattern: '###-##-####' } },
];

export const NATIONALITY_CODES: readonly string[] = NATIONALITIES.map((nationality) => nationality.code);

const BY_CODE = new Map(NATIONALITIES.map((nationality) => [nationality.code, nationality]));

export function nationality(code: string): Nationality | undefined {
  return BY_CODE.get(code.toUpperCase());
}

/** The API's timezones are picked independently of the country (the fixture has Kyiv on Paris time). */
export const TIMEZONES: readonly { readonly offset: string; readonly description: string }[] = [
  { offset: '-12:00', description: 'Eniwetok, Kwajalein' },
  { offset: '-11:00', description: 'Midway Island, Samoa' },
  { offset: '-10:00', description: 'Hawaii' },
  { offset: '-9:00', description: 'Alaska' },
  { offset: '-8:00', description: 'Pacific Time (US & Canada)' },
  { offset: '-7:00', description: 'Mountain Time (US & Canada)' },
  { offset: '-6:00', description: 'Central Time (US & Canada), Mexico City' },
  { offset: '-5:00', description: 'Eastern Time (US & Canada), Bogota, Lima' },
  { offset: '-4:00', description: 'Atlantic Time (Canada), Caracas, La Paz' },
  { offset: '-3:30', description: 'Newfoundland' },
  { offset: '-3:00', description: 'Brazil, Buenos Aires, Georgetown' },
  { offset: '-2:00', description: 'Mid-Atlantic' },
  { offset: '-1:00', description: 'Azores, Cape Verde Islands' },
  { offset: '0:00', description: 'Western Europe Time, London, Lisbon, Casablanca' },
  { offset: '+1:00', description: 'Brussels, Copenhagen, Madrid, Paris' },
  { offset: '+2:00', description: 'Kaliningrad, South Africa' },
  { offset: '+3:00', description: 'Baghdad, Riyadh, Moscow, St. Petersburg' },
  { offset: '+3:30', description: 'Tehran' },
  { offset: '+4:00', description: 'Abu Dhabi, Muscat, Baku, Tbilisi' },
  { offset: '+4:30', description: 'Kabul' },
  { offset: '+5:00', description: 'Ekaterinburg, Islamabad, Karachi, Tashkent' },
  { offset: '+5:30', description: 'Bombay, Calcutta, Madras, New Delhi' },
  { offset: '+5:45', description: 'Kathmandu' },
  { offset: '+6:00', description: 'Almaty, Dhaka, Colombo' },
  { offset: '+7:00', description: 'Bangkok, Hanoi, Jakarta' },
  { offset: '+8:00', description: 'Beijing, Perth, Singapore, Hong Kong' },
  { offset: '+9:00', description: 'Tokyo, Seoul, Osaka, Sapporo, Yakutsk' },
  { offset: '+9:30', description: 'Adelaide, Darwin' },
  { offset: '+10:00', description: 'Eastern Australia, Guam, Vladivostok' },
  { offset: '+11:00', description: 'Magadan, Solomon Islands, New Caledonia' },
  { offset: '+12:00', description: 'Auckland, Wellington, Fiji, Kamchatka' },
];
