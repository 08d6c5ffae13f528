/* Denkna service worker: the only place that knows the server URL and the staff token.
 * Content scripts send it the draft; it asks the server and answers with the judgement. */
"use strict";

if (typeof DenknaSettings === "undefined" && typeof importScripts === "function") {
  importScripts("common/settings.js", "common/i18n.js");
}

const CHECK_TIMEOUT_MS = 3000;
// A deep check (with the encoder) may take longer; the page does not wait for it beyond its
// own ~2.5 s at the post button (the quick answer decides then), but a later deep answer for
// unchanged text still updates the panel.
const DEEP_TIMEOUT_MS = 10000;
const MODES = ["quick", "deep"];
const CONTENT_SCRIPT_ID = "denkna-composer";
const CONTENT_FILES = ["content/style.js", "content/ui.js", "content/editor.js", "content/content.js"];

const stringCache = new Map();
// the running check per tab, frame, field and mode: a newer one of the same mode cancels it;
// a quick check of other text cancels the field's deep check (that text is gone)
const inflight = new Map();

/** What the school set through device policy (chrome.storage.managed; managed_schema.json).
 *  Empty where there is no policy (or no managed storage, as in Firefox without one). */
async function readManaged() {
  try {
    return (await chrome.storage.managed.get(null)) || {};
  } catch {
    return {};
  }
}

/** The options page's settings, with the school's managed values winning. */
async function readSettings() {
  const [{ settings }, managed] = await Promise.all([chrome.storage.local.get("settings"), readManaged()]);
  return DenknaSettings.sanitise(DenknaSettings.applyManaged(settings, managed));
}

async function readToken() {
  const { token } = await chrome.storage.local.get("token");
  return typeof token === "string" ? token : "";
}

// ---- signing in with the school account --------------------------------------------------
// The server's sign-in page opens in a tab (works the same in Chromium and Firefox); after the
// school's provider, the server sends the tab to /dashboard/login/sso/extension/done?code=&state=.
// The worker reads that address, closes the tab and trades the one-time code, with the PKCE
// verifier only it holds, for a token scoped to checks and outcomes. The token is rotated
// from half its life on; a revoked one makes the page ask to sign in again (posting goes on).
const SSO_PATH = "/dashboard/login/sso/extension";

class SignInNeeded extends Error {
  constructor(reason) {
    super("sign in");
    this.signIn = reason; // "needed" (never signed in) | "again" (revoked or expired)
  }
}

function b64url(bytes) {
  let bin = "";
  for (const b of new Uint8Array(bytes)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function signIn() {
  const settings = await readSettings();
  if (!settings.serverUrl) return { ok: false, reason: "no_server" };
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(48)));
  const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(24)));
  // the session area: kept across worker restarts, gone when the browser closes, closed to
  // content scripts
  await chrome.storage.session.set({ pendingSignIn: { state, verifier, server: settings.serverUrl } });
  const params = new URLSearchParams({ state, code_challenge: challenge, code_challenge_method: "S256" });
  if (settings.school) params.set("school", settings.school);
  await chrome.tabs.create({ url: `${settings.serverUrl}${SSO_PATH}?${params}` });
  return { ok: true };
}

async function storeSignedIn(answer) {
  await chrome.storage.local.set({
    token: answer.token,
    auth: { sso: true, expiresAt: answer.expires_at, refreshAfter: answer.refresh_after, signedOut: "" },
  });
}

async function finishSignIn(tabId, url) {
  const { pendingSignIn: pending } = await chrome.storage.session.get("pendingSignIn");
  if (!pending || !url.startsWith(`${pending.server}${SSO_PATH}/done?`)) return;
  const params = new URL(url).searchParams;
  if (params.get("state") !== pending.state) return;
  await chrome.storage.session.remove("pendingSignIn");
  try {
    const res = await fetch(`${pending.server}/api/v1/auth/extension/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code: params.get("code") || "", code_verifier: pending.verifier }),
      credentials: "omit",
      cache: "no-store",
    });
    if (res.ok) await storeSignedIn(await res.json());
  } catch (err) {
    console.warn("Denkna: signing in failed", err && err.message);
  }
  try {
    await chrome.tabs.remove(tabId);
  } catch {
    // the user closed it already
  }
}

chrome.tabs.onUpdated.addListener((tabId, info) => {
  if (info.url && info.url.includes(`${SSO_PATH}/done?`)) finishSignIn(tabId, info.url);
});

async function signedOut(reason) {
  await chrome.storage.local.remove("token");
  const { auth } = await chrome.storage.local.get("auth");
  await chrome.storage.local.set({ auth: Object.assign({}, auth || {}, { signedOut: reason }) });
}

let rotating = null;
/** A new token before this one expires (once at a time); the old one keeps working a little
 *  while on the server, so a lost answer costs nothing. */
function rotateIfDue(settings, token) {
  if (rotating) return rotating;
  rotating = (async () => {
    const { auth } = await chrome.storage.local.get("auth");
    if (!auth || !auth.sso || !auth.refreshAfter || Date.now() < Date.parse(auth.refreshAfter)) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), CHECK_TIMEOUT_MS);
    try {
      const res = await fetch(`${settings.serverUrl}/api/v1/auth/token/rotate`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
        signal: ctrl.signal,
        credentials: "omit",
        cache: "no-store",
      });
      if (res.ok) await storeSignedIn(await res.json());
      else if (res.status === 401) await signedOut("again");
    } catch {
      // offline: the token still works until it expires; tried again at the next check
    } finally {
      clearTimeout(timer);
    }
  })().finally(() => {
    rotating = null;
  });
  return rotating;
}

async function strings(lang) {
  if (!stringCache.has(lang)) stringCache.set(lang, await DenknaI18n.loadStrings(lang));
  return stringCache.get(lang);
}

/** Keeps the token out of reach of content scripts (Chrome; Firefox has no access levels
 *  but its content scripts never ask for it either). */
async function restrictStorage() {
  try {
    if (chrome.storage.local.setAccessLevel) {
      await chrome.storage.local.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" });
    }
  } catch {
    // older browsers: content scripts still only talk to this worker
  }
}

/** The content script is injected ONLY on the configured sites: registered here per host,
 *  re-registered whenever the list changes. Other sites never get Denkna's code. */
let registering = Promise.resolve();
function syncContentScripts() {
  registering = registering.then(async () => {
    const settings = await readSettings();
    const matches = DenknaSettings.matchPatterns(settings.sites);
    const existing = await chrome.scripting.getRegisteredContentScripts({ ids: [CONTENT_SCRIPT_ID] });
    if (!matches.length) {
      if (existing.length) await chrome.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
      return;
    }
    const script = {
      id: CONTENT_SCRIPT_ID,
      matches,
      js: CONTENT_FILES,
      runAt: "document_idle",
      allFrames: false,
      persistAcrossSessions: true,
    };
    // update in place: no moment in which a listed site is without the script
    if (existing.length) await chrome.scripting.updateContentScripts([script]);
    else await chrome.scripting.registerContentScripts([script]);
  }).catch((err) => console.warn("Denkna: registering content scripts failed", err));
  return registering;
}

chrome.runtime.onInstalled.addListener(() => {
  restrictStorage();
  syncContentScripts();
});
chrome.runtime.onStartup.addListener(() => {
  restrictStorage();
  syncContentScripts();
});
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "managed" || (area === "local" && changes.settings)) {
    stringCache.clear();
    syncContentScripts();
  }
});
restrictStorage();

/** The host name of a page's address, "" when it has none. */
function hostOf(url) {
  try {
    return new URL(url || "").hostname;
  } catch {
    return "";
  }
}

/** Whether `url` is on a site the school listed: the second check besides the content-script
 *  registration (the list may just have changed). */
function listedPage(url, settings) {
  return DenknaSettings.hostListed(hostOf(url), settings.sites);
}

async function hello(sender) {
  const settings = await readSettings();
  const url = sender.url || (sender.tab && sender.tab.url) || "";
  if (!listedPage(url, settings)) return { active: false };
  const accountType = DenknaSettings.accountType(url, settings.officialAccounts);
  const policy = accountType === "official" ? settings.policyOfficial : settings.policyPrivate;
  return {
    active: true,
    accountType,
    policy,
    locale: settings.language,
    strings: await strings(settings.language),
  };
}

async function post(path, body, timeoutMs, ctrl = new AbortController()) {
  const settings = await readSettings();
  let token = await readToken();
  if (!settings.serverUrl) throw new Error("not configured");
  if (!token) {
    const { auth } = await chrome.storage.local.get("auth");
    throw new SignInNeeded(auth && auth.signedOut ? "again" : "needed");
  }
  await rotateIfDue(settings, token);
  token = await readToken();
  if (!token) throw new SignInNeeded("again");
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(`${settings.serverUrl}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: ctrl.signal,
      credentials: "omit",
      cache: "no-store",
    });
    if (res.status === 401) {
      // revoked or expired: only forget the token if it is still the one we sent
      if ((await readToken()) === token) await signedOut("again");
      throw new SignInNeeded("again");
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.status === 204 ? {} : await res.json();
  } finally {
    clearTimeout(timer);
  }
}

async function check(msg, sender) {
  // A newer check of the same field makes the older one stale: cancel it, so that a slow
  // server is not kept busy with text nobody waits for. (Registered before the first await:
  // messages from one page arrive in the order they were sent.)
  const mode = MODES.includes(msg.mode) ? msg.mode : "quick";
  const field = `${sender.tab ? sender.tab.id : "-"}:${sender.frameId || 0}:${Number(msg.field) || 0}`;
  const key = `${field}:${mode}`;
  const text = String(msg.text || "");
  const ctrl = new AbortController();
  if (inflight.has(key)) inflight.get(key).ctrl.abort("stale");
  if (mode === "quick") {
    const deep = inflight.get(`${field}:deep`);
    if (deep && deep.text !== text) deep.ctrl.abort("stale");
  }
  const entry = { ctrl, text };
  inflight.set(key, entry);
  try {
    return await checkText(msg, sender, ctrl, mode);
  } finally {
    if (inflight.get(key) === entry) inflight.delete(key);
  }
}

async function checkText(msg, sender, ctrl, mode) {
  const settings = await readSettings();
  const url = sender.url || "";
  const host = hostOf(url);
  if (!DenknaSettings.hostListed(host, settings.sites)) return { ok: false, seq: msg.seq, mode, inactive: true };
  const text = String(msg.text || "");
  const context = {
    platform: DenknaSettings.platformOf(host),
    host,
    account_type: DenknaSettings.accountType(url, settings.officialAccounts),
  };
  try {
    const timeout = mode === "deep" ? DEEP_TIMEOUT_MS : CHECK_TIMEOUT_MS;
    const result = await post("/api/v1/check", { text, context, locale: settings.language, mode }, timeout, ctrl);
    return { ok: true, seq: msg.seq, mode, result };
  } catch (err) {
    if (ctrl.signal.reason === "stale") return { ok: false, seq: msg.seq, mode, stale: true };
    // not signed in (or no longer): the page asks to sign in; posting is never held up
    if (err && err.signIn) return { ok: false, seq: msg.seq, mode, signin: err.signIn };
    // Quiet: the page shows "Denkna offline". Nothing is queued or kept.
    return { ok: false, seq: msg.seq, mode, offline: true, error: String(err && err.message) };
  }
}

async function outcome(msg, sender) {
  const settings = await readSettings();
  if (!listedPage(sender.url, settings)) return { ok: false };
  const allowed = ["changed", "cancelled", "posted_anyway", "shown"];
  const categories = (msg.categories || []).filter((c) => typeof c === "string").slice(0, 10);
  if (!allowed.includes(msg.outcome) || !categories.length) return { ok: false };
  try {
    await post("/api/v1/check/outcome", { categories, outcome: msg.outcome }, CHECK_TIMEOUT_MS);
    return { ok: true };
  } catch {
    return { ok: false };
  }
}

const RAISED_BY = ["rule:abuse", "rule:personal_data", "rule:consent_list", "rule:staff_protocol", "model:fasttext", "model:encoder"];
const WRONG_REASONS = ["quote", "friendly", "consent", "not_personal", "other"];

/** "Klopt niet": counted by the server per category, subtype and what raised the warning.
 *  Only those (and a reason from a fixed list) are sent, never the text. */
async function wrong(msg, sender) {
  const settings = await readSettings();
  if (!listedPage(sender.url, settings)) return { ok: false };
  const category = String(msg.category || "");
  const subtype = String(msg.subtype || "");
  if (!/^[a-z_]{1,40}$/.test(category) || !/^[a-z_]{1,40}$/.test(subtype) || !RAISED_BY.includes(msg.raised_by)) {
    return { ok: false };
  }
  const body = { category, subtype, raised_by: msg.raised_by };
  if (WRONG_REASONS.includes(msg.reason)) body.reason = msg.reason;
  try {
    const res = await post("/api/v1/check/feedback", body, CHECK_TIMEOUT_MS);
    return { ok: Boolean(res && res.recorded) };
  } catch {
    return { ok: false };
  }
}

async function testConnection() {
  const settings = await readSettings();
  if (!settings.serverUrl) return { ok: false };
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), CHECK_TIMEOUT_MS);
  try {
    const res = await fetch(`${settings.serverUrl}/api/v1/health`, { signal: ctrl.signal, credentials: "omit" });
    return { ok: res.ok };
  } catch {
    return { ok: false };
  } finally {
    clearTimeout(timer);
  }
}

const HANDLERS = {
  hello: (msg, sender) => hello(sender),
  check,
  outcome,
  wrong,
  // from a listed page's panel or the options page: open the school's sign-in in a tab
  signIn: async (msg, sender) => {
    const own = (sender.url || "").startsWith(chrome.runtime.getURL(""));
    if (!own) {
      if (!listedPage(sender.url, await readSettings())) return { ok: false };
    }
    return signIn();
  },
  testConnection: (msg, sender) => ((sender.url || "").startsWith(chrome.runtime.getURL("")) ? testConnection() : { ok: false }),
  resync: (msg, sender) => ((sender.url || "").startsWith(chrome.runtime.getURL("")) ? syncContentScripts().then(() => ({ ok: true })) : { ok: false }),
};

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !msg || !HANDLERS[msg.type]) return false;
  Promise.resolve(HANDLERS[msg.type](msg, sender))
    .then(sendResponse)
    .catch(() => sendResponse({ ok: false }));
  return true;
});
