// Names in the page's language. The API's assessments name items,
// districts and depots in Chinese only; the page's JSON carries each of
// them in both languages by code (readinessClient), so a name is a look-up,
// falling back to the API's Chinese for a code the page does not know
// (a depot outside the user's scope).
import { S, boot } from './state.js';

const { t, num, pick } = S;
const districts = Object.fromEntries(boot.districts.map((d) => [d.code, d]));
const ROMAN = ['Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'];

export const LIST_SEP = t('readiness.list_sep');

export function itemName(code, zh) { const it = boot.items[code]; return it ? pick(it.name_zh, it.name_en) : (zh || code); }
export function unitName(code, zh) { const it = boot.items[code]; return it ? pick(it.unit_zh, it.unit_en) : (zh || ''); }
export function districtName(code, zh) {
  if (code === boot.city.code) return t('readiness.all_city');
  const d = districts[code];
  return d ? pick(d.name_zh, d.name_en) : (zh || code);
}
// holderName names a tier row, purchase line or budget: a district's by
// the district, from the page's names ("房山区", "Fangshan District"), the
// city's by its tier ("市级").
export function holderName(tier, code, zh) {
  return code ? districtName(code, zh) : S.tier(tier);
}
// yuan is an amount of money in whole yuan, with thousands separators.
export function yuan(v) { return num(v, 0); }
export function depotName(code, zh) { const d = boot.depots[code]; return d ? pick(d.name_zh, d.name_en) : (zh || code); }
export function hazardName(h) { return h ? t('readiness.hazard.' + h) : ''; }
export function levelName(l) { return l >= 1 && l <= 4 ? t('readiness.level_n', ROMAN[l - 1]) : '–'; }
export function scenarioName(sc) { return pick(sc.name_zh, sc.name_en) || sc.code; }
export function measureName(m) { return t('readiness.m.' + m); }

// time is a Unix time as a date and time in Beijing.
export function time(unix) {
  return new Date(unix * 1000).toLocaleString(S.lang === 'en' ? 'en-GB' : 'zh-CN',
    { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}
export function qty(v, code, zh) { return num(v, 1) + ' ' + unitName(code, zh); }
