/* Loads the UI strings of the chosen language from _locales (chrome.i18n follows the
 * browser's language; the school may pick another one in the options). */
/* eslint-disable no-var */
var DenknaI18n = (() => {
  "use strict";

  async function loadStrings(lang) {
    const out = {};
    try {
      const res = await fetch(chrome.runtime.getURL(`_locales/${lang}/messages.json`));
      const data = await res.json();
      for (const [key, entry] of Object.entries(data)) out[key] = entry.message;
    } catch {
      // fall back to chrome.i18n below
    }
    return out;
  }

  function format(strings, key, params) {
    let msg = strings[key];
    if (msg === undefined) msg = chrome.i18n.getMessage(key) || key;
    return msg.replace(/\$([A-Z_]+)\$/g, (_m, name) => {
      const v = params ? params[name.toLowerCase()] : undefined;
      return v === undefined ? "" : String(v);
    });
  }

  return { loadStrings, format };
})();
