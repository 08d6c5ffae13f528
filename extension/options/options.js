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

// the form fields the school's policy may fix (chrome.storage.managed, managed_schema.json)
const FIELDS = ["serverUrl", "sites", "officialAccounts", "policyOfficial", "policyPrivate", "language"];
let managedSet = [];

async function readManaged() {
  try {
    return (await chrome.storage.managed.get(null)) || {};
  } catch {
    return {};
  }
}

/** Fields the school set are shown with their value, locked, marked "Ingesteld door je school". */
function showManaged() {
  for (const key of FIELDS) {
    const el = $(key);
    const managed = managedSet.includes(key);
    el.disabled = managed;
    const label = document.querySelector(`label[for="${key}"]`);
    let mark = label.querySelector(".managed");
    if (managed && !mark) {
      mark = document.createElement("span");
      mark.className = "managed";
      label.append(" ", mark);
    }
    if (mark) {
      mark.hidden = !managed;
      mark.textContent = t("optManaged");
    }
  }
  $("managedIntro").hidden = !managedSet.length;
}

async function showAccount() {
  const { token, auth } = await chrome.storage.local.get(["token", "auth"]);
  let key = "optSignedOut";
  if (token && auth && auth.sso) key = "optSignedIn";
  else if (auth && auth.signedOut) key = "optSignedOutAgain";
  $("accountStatus").textContent = t(key);
  $("accountStatus").dataset.state = key;
}

async function load() {
  const [{ settings, token }, managed] = await Promise.all([
    chrome.storage.local.get(["settings", "token"]),
    readManaged(),
  ]);
  managedSet = DenknaSettings.managedKeys(managed);
  const s = DenknaSettings.sanitise(DenknaSettings.applyManaged(settings, managed));
  await applyLanguage(s.language);
  showManaged();
  $("tokenBox").hidden = s.signInRequired;
  $("tokenManaged").hidden = !s.signInRequired;
  await showAccount();
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
  const values = { settings };
  if (!$("tokenBox").hidden) values.token = $("token").value.trim();
  await chrome.storage.local.set(values);
  $("serverUrl").value = settings.serverUrl;
  $("sites").value = settings.sites.join("\n");
  await chrome.runtime.sendMessage({ type: "resync" });
  await load(); // the school's values stay as the school set them
  showStatus(t("optSaved"), false);
}

async function testConnection() {
  const resp = await chrome.runtime.sendMessage({ type: "testConnection" });
  showStatus(resp && resp.ok ? t("optTestOk") : t("optTestFail"), !(resp && resp.ok));
}

$("form").addEventListener("submit", save);
$("test").addEventListener("click", testConnection);
$("signin").addEventListener("click", () => chrome.runtime.sendMessage({ type: "signIn" }));
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "managed") load();
  else if (area === "local" && (changes.token || changes.auth)) showAccount();
});
load();
