/* Denkna settings shared by the service worker and the options page (no page access).
 * Plain script: defines DenknaSettings on the global object. */
/* eslint-disable no-var */
var DenknaSettings = (() => {
  "use strict";

  // Sites the school's staff post on. One entry = a domain and its subdomains.
  // "socialschools.*" stands for the country domains Social Schools runs on.
  const DEFAULT_SITES = [
    "facebook.com",
    "instagram.com",
    "x.com",
    "twitter.com",
    "linkedin.com",
    "youtube.com",
    "mastodon.social",
    "mastodon.nl",
    "mastodon.online",
    "mstdn.social",
    "social.edu.nl",
    "socialschools.*",
  ];
  const WILDCARD_TLDS = ["nl", "eu", "be", "com"];

  const DEFAULTS = Object.freeze({
    serverUrl: "",
    sites: DEFAULT_SITES,
    officialAccounts: [],
    policyOfficial: "warn",
    policyPrivate: "warn",
    language: "nl",
    school: "",
    signInRequired: false,
  });
  // what the school's device policy may set (managed_schema.json, chrome.storage.managed);
  // a value set there wins over the options page
  const MANAGED_KEYS = Object.keys(DEFAULTS);

  const POLICIES = ["warn", "block"];
  const LANGUAGES = ["nl", "en"];

  /** "https://www.Facebook.com/foo" -> "www.facebook.com"; "" when it is no host. */
  function normaliseSite(entry) {
    let s = String(entry || "").trim().toLowerCase();
    if (!s || s.startsWith("#")) return "";
    s = s.replace(/^[a-z]+:\/\//, "").replace(/\/.*$/, "").replace(/:\d+$/, "");
    s = s.replace(/^\*\./, "");
    if (!/^[a-z0-9.*-]+$/.test(s)) return "";
    return s;
  }

  /** Expands "socialschools.*" into concrete domains. */
  function expandSite(site) {
    if (site.endsWith(".*")) {
      const base = site.slice(0, -2);
      return WILDCARD_TLDS.map((tld) => `${base}.${tld}`);
    }
    return site.includes("*") ? [] : [site];
  }

  function siteDomains(sites) {
    const out = new Set();
    for (const entry of sites || []) {
      const site = normaliseSite(entry);
      if (site) for (const d of expandSite(site)) out.add(d);
    }
    return [...out];
  }

  const isIp = (host) => /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(":");

  /** Match patterns for chrome.scripting.registerContentScripts (any port, any scheme). */
  function matchPatterns(sites) {
    const out = [];
    for (const d of siteDomains(sites)) {
      out.push(`*://${d}/*`);
      if (!isIp(d) && d !== "localhost") out.push(`*://*.${d}/*`);
    }
    return out;
  }

  function hostListed(hostname, sites) {
    const host = String(hostname || "").toLowerCase().replace(/\.$/, "");
    if (!host) return false;
    return siteDomains(sites).some((d) => host === d || (!isIp(d) && host.endsWith(`.${d}`)));
  }

  /** Official account patterns: "facebook.com/AmadeusLyceum" matches that page and below it. */
  function accountType(url, officialAccounts) {
    const patterns = (officialAccounts || [])
      .map((p) => String(p).trim().toLowerCase().replace(/^[a-z]+:\/\//, "").replace(/^www\./, ""))
      .filter(Boolean);
    if (!patterns.length) return "unknown";
    let u;
    try {
      u = new URL(url);
    } catch {
      return "unknown";
    }
    const here = (u.hostname.replace(/^(www|m|mobile)\./, "") + u.pathname).toLowerCase();
    for (const p of patterns) {
      const base = p.replace(/\/+$/, "");
      if (here === base || here.startsWith(`${base}/`)) return "official";
    }
    return "private";
  }

  function platformOf(hostname) {
    const h = String(hostname || "").toLowerCase();
    const table = [
      ["facebook.com", "facebook"],
      ["instagram.com", "instagram"],
      ["x.com", "x"],
      ["twitter.com", "x"],
      ["linkedin.com", "linkedin"],
      ["youtube.com", "youtube"],
      ["socialschools.", "socialschools"],
    ];
    for (const [needle, name] of table) {
      if (h === needle || h.endsWith(`.${needle}`) || (needle.endsWith(".") && h.includes(needle))) {
        return name;
      }
    }
    if (h.includes("mastodon") || h.includes("mstdn")) return "mastodon";
    return "other";
  }

  /** Cleans stored or entered settings; unknown values fall back to the defaults. */
  function sanitise(raw) {
    const s = Object.assign({}, DEFAULTS, raw || {});
    const lines = (v) => (Array.isArray(v) ? v : String(v || "").split(/\r?\n/));
    return {
      serverUrl: String(s.serverUrl || "").trim().replace(/\/+$/, ""),
      sites: lines(s.sites).map(normaliseSite).filter(Boolean),
      officialAccounts: lines(s.officialAccounts).map((x) => String(x).trim()).filter(Boolean),
      policyOfficial: POLICIES.includes(s.policyOfficial) ? s.policyOfficial : "warn",
      policyPrivate: POLICIES.includes(s.policyPrivate) ? s.policyPrivate : "warn",
      language: LANGUAGES.includes(s.language) ? s.language : "nl",
      school: /^[a-z0-9-]{1,100}$/.test(String(s.school || "").trim().toLowerCase())
        ? String(s.school).trim().toLowerCase()
        : "",
      signInRequired: s.signInRequired === true,
    };
  }

  /** The keys the school's policy set (only those of the schema, with a value). */
  function managedKeys(managed) {
    return MANAGED_KEYS.filter((k) => managed && managed[k] !== undefined && managed[k] !== null);
  }

  /** The options page's settings with the school's managed values over them. */
  function applyManaged(local, managed) {
    const out = Object.assign({}, local || {});
    for (const k of managedKeys(managed)) out[k] = managed[k];
    return out;
  }

  function validServerUrl(url) {
    try {
      const u = new URL(url);
      return u.protocol === "https:" || u.protocol === "http:";
    } catch {
      return false;
    }
  }

  return {
    DEFAULTS,
    POLICIES,
    LANGUAGES,
    normaliseSite,
    siteDomains,
    matchPatterns,
    hostListed,
    accountType,
    platformOf,
    sanitise,
    validServerUrl,
    managedKeys,
    applyManaged,
  };
})();
