/* Denkna content script: injected only on the sites the school configured (see background.js).
 * Watches the field the user types in, asks the service worker for a check (debounced),
 * shows the findings, offers one-click fixes, and asks "Denk na" before a serious post.
 * Two depths: a quick check while typing; a deep one (with the encoder) when the panel opens
 * and when the post button is pressed. Posting waits at most DEEP_WAIT_MS for the deep answer;
 * after that the quick answer decides. */
(() => {
  "use strict";
  const ns = globalThis.__denkna;
  if (!ns || ns.started) return;
  ns.started = true;

  const DEBOUNCE_MS = 400;
  const DEEP_WAIT_MS = 2500; // the longest a post waits for the deep check
  const SUBMIT_WORDS = /\b(post|posten|plaats|plaatsen|publiceer|publiceren|verzend|verzenden|verstuur|versturen|send|tweet|reply|reageer|reageren|antwoord|toot|share|delen|deel|submit)\b/i;

  let cfg = null;
  let ui = null;
  let active = null; // the field state last typed in
  const states = new WeakMap();
  let fieldIds = 0;
  let bypass = false; // set while replaying the page's own post action

  const t = (key, params) => (key === "@lang" ? cfg.locale : ns.format(cfg.strings, key, params));
  ns.format = (strings, key, params) => {
    let msg = strings[key];
    if (msg === undefined) msg = chrome.i18n.getMessage(key) || key;
    return msg.replace(/\$([A-Z_]+)\$/g, (_m, name) => {
      const v = params ? params[name.toLowerCase()] : undefined;
      return v === undefined ? "" : String(v);
    });
  };

  const send = (msg) =>
    chrome.runtime.sendMessage(msg).catch(() => ({ ok: false, offline: true, seq: msg.seq }));

  function stateOf(field) {
    let st = states.get(field);
    if (!st) {
      st = {
        field,
        id: ++fieldIds, // lets the worker cancel this field's older check when a newer one starts
        seq: 0,
        timer: 0,
        checkedText: null, // the text `result` belongs to
        result: null,
        pending: null, // promise of the running check
        deepSeq: 0,
        deepPending: null, // promise of the running deep check
        deepPendingText: null,
        deepText: null, // the text a deep check answered for (then `result` is that answer)
        warned: new Set(), // categories shown to the user and not yet resolved
        confirmedText: null, // "Toch plaatsen" was chosen for exactly this text
        panelDismissedFor: "",
        status: null,
        notice: "", // message key shown at the top of the panel (a rewrite that did not take)
        fixing: false,
      };
      states.set(field, st);
    }
    return st;
  }

  const categoriesOf = (result) => [...new Set(((result && result.flags) || []).map((f) => f.category))];
  const spansOf = (result) => ((result && result.flags) || []).flatMap((f) => f.spans || []);
  const highFlags = (result) => ((result && result.flags) || []).filter((f) => f.severity === "high");
  const labelList = (cats) => cats.map((c) => t(ns.CATEGORY_KEYS[c] || "catProtocol").toLowerCase()).join(", ");

  function reportOutcome(categories, outcome) {
    if (categories.length) send({ type: "outcome", categories, outcome });
  }

  function setStatus(st, status) {
    st.status = status;
    if (active === st) ui.setStatus(st.field, status);
  }

  function render(st) {
    if (active !== st) return;
    const flags = (st.result && st.result.flags) || [];
    if (!flags.length) {
      ui.hidePanel();
      return;
    }
    const key = categoriesOf(st.result).sort().join(",");
    if (st.panelDismissedFor === key && !ui.panelOpen) return;
    if (!ui.panelOpen) deepCheck(st); // the panel opens: the deep check confirms or clears it
    ui.showFindings(st.field, st.checkedText, st.result, (flag) => applyFix(st, flag), () => closePanel(st), st.notice);
  }

  function closePanel(st) {
    st.panelDismissedFor = categoriesOf(st.result).sort().join(",");
    ui.hidePanel();
    st.field.focus();
  }

  /** New judgement for the current text: update badge, panel, live region, outcomes. */
  function accept(st, text, result) {
    const before = new Set(st.warned);
    st.checkedText = text;
    st.result = result;
    const now = categoriesOf(result);
    const gone = [...before].filter((c) => !now.includes(c));
    const added = now.filter((c) => !before.has(c));
    if (gone.length) reportOutcome(gone, "changed");
    st.warned = new Set(now);
    if (!now.length) st.notice = "";
    if (added.length) {
      reportOutcome(added, "shown");
      st.panelDismissedFor = "";
      ui.announce(t("announceFindings", { what: labelList(added) }));
    } else if (!now.length && before.size) {
      ui.announce(t("announceClear"));
    }
    setStatus(st, now.length ? "warn" : "ok");
    if (active === st) ui.highlight(st.field, text, spansOf(result));
    render(st);
  }

  /** Answers still on their way are stale from now on: they will be dropped. */
  function dropPending(st) {
    st.seq += 1;
    st.pending = null;
    st.pendingText = null;
  }

  function dropDeep(st) {
    st.deepSeq += 1;
    st.deepPending = null;
    st.deepPendingText = null;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** The deep check of the field's current text (panel opened, post button pressed). Its
   *  answer replaces the quick one, but only while the field still holds that text: a deep
   *  answer for text changed since is dropped. Failing or offline, the quick answer stays. */
  function deepCheck(st) {
    const text = ns.editor.readText(st.field);
    if (!text.trim() || st.deepText === text) return Promise.resolve();
    if (st.deepPending && st.deepPendingText === text) return st.deepPending;
    const seq = ++st.deepSeq;
    st.deepPendingText = text;
    st.deepPending = send({ type: "check", mode: "deep", text, seq, field: st.id }).then((resp) => {
      if (seq !== st.deepSeq) return; // a newer deep check was asked for
      st.deepPending = null;
      st.deepPendingText = null;
      if (!resp || !resp.ok || resp.seq !== seq) return;
      if (ns.editor.readText(st.field) !== text) return; // stale: the text changed meanwhile
      if (st.pendingText === text) dropPending(st); // the quick answer for it adds nothing
      st.deepText = text;
      accept(st, text, resp.result);
    });
    return st.deepPending;
  }

  /** Asks the service worker. Only the answer to the newest request counts, and only while the
   *  field still holds its text: an older answer arriving late never overwrites a newer one. */
  function check(st) {
    clearTimeout(st.timer);
    st.timer = 0;
    const text = ns.editor.readText(st.field);
    if (!text.trim()) {
      dropPending(st);
      dropDeep(st);
      accept(st, text, { flags: [] });
      return Promise.resolve();
    }
    if (text === st.checkedText && st.result) {
      // back to the text already judged (undo, or typed and deleted again): that judgement holds
      if (st.pending) {
        dropPending(st);
        accept(st, text, st.result);
      }
      return Promise.resolve();
    }
    if (st.pending && st.pendingText === text) return st.pending;
    const seq = ++st.seq;
    st.pendingText = text;
    setStatus(st, "busy");
    st.pending = send({ type: "check", mode: "quick", text, seq, field: st.id }).then((resp) => {
      if (!resp || resp.seq !== st.seq || resp.stale) return; // a newer request was made
      if (ns.editor.readText(st.field) !== text) {
        st.pending = null; // the text changed meanwhile; its own check is scheduled
        return;
      }
      st.pending = null;
      if (resp.ok) {
        if (st.deepText === text) st.deepText = null; // a quick answer now holds for it
        accept(st, text, resp.result);
      } else {
        st.checkedText = null;
        st.result = null;
        if (resp && resp.signin) {
          // not signed in (or the token was revoked): ask, never hold up posting
          st.signin = resp.signin;
          setStatus(st, "signin");
          showSignIn(st);
        } else {
          ui.hidePanel();
          setStatus(st, "offline");
        }
      }
    });
    return st.pending;
  }

  /** The panel that asks to sign in with the school account (the worker opens the tab). */
  function showSignIn(st) {
    if (active !== st || st.signinDismissed) return;
    ui.showSignIn(
      st.field,
      st.signin === "again" ? "signInAgain" : "signInNeeded",
      () => send({ type: "signIn" }),
      () => {
        st.signinDismissed = true;
        ui.hidePanel();
        st.field.focus();
      }
    );
  }

  function schedule(st) {
    clearTimeout(st.timer);
    st.timer = 0;
    if (st.result && ns.editor.readText(st.field) === st.checkedText) {
      check(st); // the judged text again: no request, and nothing older may overwrite it
      return;
    }
    st.timer = setTimeout(() => check(st), DEBOUNCE_MS);
  }

  // Rich editors (Lexical, Draft.js) cancel the browser's editing and fire no "input"
  // event: their DOM changes are the signal.
  let observer = null;
  function observe(field) {
    if (observer) observer.disconnect();
    observer = null;
    if (!field.isContentEditable) return;
    observer = new MutationObserver(() => {
      if (bypass || !active || active.field !== field) return;
      const text = ns.editor.readText(field);
      if (text === active.checkedText && active.result) {
        if (active.pending || active.timer) schedule(active); // back to the judged text
        // the editor re-rendered the same text: paint the marks on its new nodes
        else ui.highlight(field, text, spansOf(active.result));
        return;
      }
      ui.clearHighlight(); // offsets no longer fit the text
      schedule(active);
    });
    observer.observe(field, { childList: true, subtree: true, characterData: true });
  }

  function activate(field) {
    const st = stateOf(field);
    if (active !== st) {
      active = st;
      observe(field);
      ui.clearHighlight();
      if (st.status) ui.setStatus(field, st.status);
      else ui.hideAll();
      render(st);
    }
    return st;
  }

  function onInput(e) {
    if (bypass) return;
    const field = ns.editor.fieldOf(e.target);
    if (!field) return;
    const st = activate(field);
    if (ui.mirrorFor === field) ui.clearHighlight(); // offsets no longer fit the text
    schedule(st);
  }

  function onFocus(e) {
    const field = ns.editor.fieldOf(e.target);
    if (field) activate(field);
  }

  /** The one-click rewrite. The editor's own input path is used, the result is read back and
   *  tried once more (editor.js); when the field still does not hold the suggestion, the panel
   *  says so instead of leaving the user with text that is half old, half new. */
  async function applyFix(st, flag) {
    if (!flag.suggestion || st.fixing) return;
    st.fixing = true;
    st.notice = "";
    let ok = false;
    try {
      ok = await ns.editor.replaceText(st.field, flag.suggestion);
    } finally {
      st.fixing = false;
    }
    if (!ok) {
      st.notice = "fixFailed";
      ui.announce(t("fixFailed"));
      st.panelDismissedFor = "";
    }
    await check(st); // at once: "changed" when the finding is gone
    if (!ok) render(st);
  }

  // ---- the moment of posting ------------------------------------------------------------

  /** Decides whether a post of the active field's text may go ahead; shows "Denk na" once.
   *  The deep check decides when it answers within DEEP_WAIT_MS; otherwise the quick one. */
  async function gate(st) {
    const text = ns.editor.readText(st.field);
    if (!text.trim() || st.confirmedText === text) return true;
    const deep = deepCheck(st);
    if (st.checkedText !== text || st.pending) check(st); // the fallback, at the same time
    await Promise.race([deep, sleep(DEEP_WAIT_MS)]);
    if (st.deepText !== text && st.pending) await st.pending; // deep too slow: quick decides
    if (st.checkedText !== text) return true; // offline or unanswered: never block posting
    const high = highFlags(st.result);
    if (!high.length) return true;
    const cats = [...new Set(high.map((f) => f.category))];
    const block = cfg.policy === "block";
    const choice = await ui.confirm(labelList(cats), block);
    if (choice === "post" && !block) {
      st.confirmedText = text;
      reportOutcome(cats, "posted_anyway");
      return true;
    }
    reportOutcome(cats, "cancelled");
    st.field.focus(); // back to the text, to change it
    return false;
  }

  /** The field whose text a post button sends: the one typed in last, when the button
   *  belongs to the same composer (same form, same dialog, or a near ancestor). */
  function fieldForAction(target) {
    if (!active || !active.field.isConnected || active.field.contains(target)) return null;
    const field = active.field;
    const form = target.closest && target.closest("form");
    if (form && form.contains(field)) return active;
    const dialog = field.closest('[role="dialog"]');
    if (dialog && dialog.contains(target)) return active;
    let box = field.parentElement;
    for (let i = 0; box && i < 8; i += 1, box = box.parentElement) {
      if (box.contains(target)) return active;
    }
    return null;
  }

  /** The composer's own post/submit controls: those in the nearest ancestor of the field
   *  that has any. The panel keeps clear of them. */
  function composerControls(field) {
    let box = field.parentElement;
    for (let i = 0; box && box !== document.body && i < 8; i += 1, box = box.parentElement) {
      const found = [...box.querySelectorAll('button, [role="button"], input[type="submit"]')]
        .filter((el) => !field.contains(el) && isPostButton(el) === el);
      if (found.length) return found.slice(0, 8);
    }
    return [];
  }

  function isPostButton(el) {
    const btn = el.closest && el.closest('button, [role="button"], input[type="submit"]');
    if (!btn || btn.closest("denkna-ui")) return null;
    const label = `${btn.getAttribute("aria-label") || ""} ${btn.textContent || ""} ${btn.value || ""}`;
    const isSubmit = (btn.getAttribute("type") || "submit").toLowerCase() === "submit" && btn.closest("form");
    return isSubmit || SUBMIT_WORDS.test(label) ? btn : null;
  }

  function intercept(event, replay, fieldState) {
    if (bypass || !event.isTrusted) return;
    const st = fieldState || fieldForAction(event.target);
    if (!st) return;
    const text = ns.editor.readText(st.field);
    if (!text.trim() || st.confirmedText === text) return;
    // held until the deep check of this very text answered (or DEEP_WAIT_MS passed)
    const needsWait = st.deepText !== text || st.checkedText !== text || st.pending;
    if (!needsWait && !highFlags(st.result).length) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    gate(st).then((go) => {
      if (!go) return;
      bypass = true;
      try {
        replay();
      } finally {
        bypass = false;
      }
    });
  }

  function onClick(e) {
    const btn = isPostButton(e.target);
    if (!btn) return;
    intercept(e, () => btn.click());
  }

  function onKeydown(e) {
    if (e.key === "Escape" && ui.panelOpen && active && ui.shadow.activeElement) {
      closePanel(active);
      return;
    }
    if (e.altKey && e.shiftKey && (e.key === "D" || e.key === "d" || e.code === "KeyD") && ui.panelOpen) {
      e.preventDefault();
      ui.focusPanel();
      return;
    }
    if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
    const field = ns.editor.fieldOf(e.target);
    if (!field) return;
    const oneLine = field instanceof HTMLInputElement || (field.isContentEditable && field.getAttribute("aria-multiline") === "false");
    if (!oneLine) return;
    const init = { key: "Enter", code: "Enter", keyCode: 13, which: 13, bubbles: true, cancelable: true };
    intercept(
      e,
      () => {
        const ok = field.dispatchEvent(new KeyboardEvent("keydown", init));
        if (ok && field instanceof HTMLInputElement && field.form) field.form.requestSubmit();
      },
      activate(field)
    );
  }

  function onSubmit(e) {
    const form = e.target;
    if (!(form instanceof HTMLFormElement)) return;
    const submitter = e.submitter;
    intercept(e, () => form.requestSubmit(submitter && submitter.form === form ? submitter : undefined));
  }

  function start() {
    ui = new ns.UI(t);
    ui.controlsOf = composerControls;
    ui.onBadge = () => {
      if (!active) return;
      const st = active;
      if (st.status === "signin" && !ui.panelOpen) {
        st.signinDismissed = false;
        showSignIn(st);
        ui.focusPanel();
        return;
      }
      if (ui.panelOpen) closePanel(st);
      else if (st.result && (st.result.flags || []).length) {
        st.panelDismissedFor = "";
        render(st); // opens the panel, and asks the deep check
        ui.focusPanel();
      } else {
        // nothing found while typing: the deep check may find what the quick one did not
        deepCheck(st).then(() => {
          if (active === st && ui.panelOpen) ui.focusPanel();
        });
      }
    };
    ui.onPanelEscape = () => active && closePanel(active);
    window.addEventListener("input", onInput, true);
    window.addEventListener("focusin", onFocus, true);
    window.addEventListener("click", onClick, true);
    window.addEventListener("keydown", onKeydown, true);
    window.addEventListener("submit", onSubmit, true);
    const relayout = () => ui.reposition();
    window.addEventListener("scroll", relayout, true);
    window.addEventListener("resize", relayout);
    const field = ns.editor.fieldOf(document.activeElement);
    if (field && ns.editor.readText(field).trim()) schedule(activate(field));
  }

  chrome.runtime
    .sendMessage({ type: "hello" })
    .then((resp) => {
      if (!resp || !resp.active) return; // not a listed site: read nothing, send nothing
      cfg = resp;
      start();
    })
    .catch(() => {});
})();
