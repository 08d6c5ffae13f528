/* Denkna options page: stores the settings and the staff token in chrome.storage.local
 * (restricted to the extension's own pages and worker; content scripts never see the token). */
"use strict";

let strings = {};
const t = (key, params) => DenknaI18n.format(strings, key, params);
const $ = (id) => document.getElementById(id);

async function applyLanguage(lang) {
  strings = await DenknaI18n.loadStrings(lang);
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  document.title = t("optionsTitle");
}

function showStatus(message, isError) {
  const el = $("status");
  el.textContent = message;
  el.classList.toggle("error", Boolean(isError));
}

async function load() {
  const { settings, token } = await chrome.storage.local.get(["settings", "token"]);
  const s = DenknaSettings.sanitise(settings);
  await applyLanguage(s.language);
  $("serverUrl").value = s.serverUrl;
  $("token").value = typeof token === "string" ? token : "";
  $("sites").value = s.sites.join("\n");
  $("officialAccounts").value = s.officialAccounts.join("\n");
  $("policyOfficial").value = s.policyOfficial;
  $("policyPrivate").value = s.policyPrivate;
  $("language").value = s.language;
}

async function save(event) {
  event.preventDefault();
  const serverUrl = $("serverUrl").value.trim();
  if (serverUrl && !DenknaSettings.validServerUrl(serverUrl)) {
    showStatus(t("optInvalidUrl"), true);
    $("serverUrl").focus();
    return;
  }
  const settings = DenknaSettings.sanitise({
    serverUrl,
    sites: $("sites").value,
    officialAccounts: $("officialAccounts").value,
    policyOfficial: $("policyOfficial").value,
    policyPrivate: $("policyPrivate").value,
    language: $("language").value,
  });
  await chrome.storage.local.set({ settings, token: $("token").value.trim() });
  $("serverUrl").value = settings.serverUrl;
  $("sites").value = settings.sites.join("\n");
  await chrome.runtime.sendMessage({ type: "resync" });
  await applyLanguage(settings.language);
  showStatus(t("optSaved"), false);
}

async function testConnection() {
  const resp = await chrome.runtime.sendMessage({ type: "testConnection" });
  showStatus(resp && resp.ok ? t("optTestOk") : t("optTestFail"), !(resp && resp.ok));
}

$("form").addEventListener("submit", save);
$("test").addEventListener("click", testConnection);
load();
