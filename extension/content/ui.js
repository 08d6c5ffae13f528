/* Denkna's on-page UI: status badge, findings panel, "Denk na" dialog and a live region,
 * all inside one shadow root. Page text is only ever inserted as textContent. */
(() => {
  "use strict";
  const ns = (globalThis.__denkna = globalThis.__denkna || {});

  const CATEGORY_KEYS = {
    bullying: "catBullying",
    discrimination: "catDiscrimination",
    personal_data: "catPersonalData",
    profanity: "catProfanity",
    protocol: "catProtocol",
  };
  const SEVERITY_KEYS = { high: "severityHigh", medium: "severityMedium", low: "severityLow" };
  const DENK_NA = [
    ["D", "denkNaD"],
    ["E", "denkNaE"],
    ["N", "denkNaN1"],
    ["K", "denkNaK"],
    ["A", "denkNaA"],
  ];
  const CONTEXT_CHARS = 60;
  // panel placement: room between it and the page's composer, the viewport's edge, and the
  // smallest panel worth showing (below that it collapses into the badge)
  const GAP = 8;
  const EDGE = 8;
  const PANEL_WIDTH = 440;
  const MIN_WIDTH = 280;
  const MAX_HEIGHT = 620;
  const MIN_FULL_HEIGHT = 200;

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
    return el;
  }

  /** The text around the spans, with each span in <mark>. */
  function excerpt(text, spans) {
    const valid = (spans || [])
      .map((s) => ({ start: Math.max(0, s.start | 0), end: Math.min(text.length, s.end | 0) }))
      .filter((s) => s.end > s.start)
      .sort((a, b) => a.start - b.start);
    const box = h("p", { class: "excerpt" });
    if (!valid.length) {
      box.textContent = text.length > 2 * CONTEXT_CHARS ? `${text.slice(0, 2 * CONTEXT_CHARS)}…` : text;
      return box;
    }
    let from = Math.max(0, valid[0].start - CONTEXT_CHARS);
    const until = Math.min(text.length, valid[valid.length - 1].end + CONTEXT_CHARS);
    if (from > 0) {
      const ws = text.indexOf(" ", from);
      from = ws >= 0 && ws < valid[0].start ? ws + 1 : from;
      box.append("…");
    }
    let pos = from;
    for (const s of valid) {
      if (s.start < pos) continue;
      box.append(text.slice(pos, s.start), h("mark", { text: text.slice(s.start, s.end) }));
      pos = s.end;
    }
    box.append(text.slice(pos, until));
    if (until < text.length) box.append("…");
    return box;
  }

  function fixKind(flag) {
    if (!flag.suggestion) return null;
    if (flag.category === "personal_data") return "redact";
    if (flag.category === "protocol" && flag.subtype === "missing_disclaimer") return "disclaimer";
    return null;
  }

  /** A disclaimer suggestion repeats the whole text: show only what is added. */
  function suggestionText(text, flag, kind) {
    const base = text.trimEnd();
    if (kind === "disclaimer" && base && flag.suggestion.startsWith(base)) {
      return `… ${flag.suggestion.slice(base.length).trim()}`;
    }
    return flag.suggestion;
  }

  const WRONG_REASONS = [
    ["quote", "wrongReasonQuote"],
    ["friendly", "wrongReasonFriendly"],
    ["consent", "wrongReasonConsent"],
    ["not_personal", "wrongReasonNotPersonal"],
    ["other", "wrongReasonOther"],
  ];

  /** "Klopt niet": tells the server that a warning was wrong. Only what the server itself
   *  said about the warning goes along (category, subtype, what raised it, an optional reason
   *  from a fixed list), never the text. */
  function reportWrong(flag, reason) {
    const msg = {
      type: "wrong",
      category: flag.category,
      subtype: flag.subtype,
      raised_by: flag.raised_by,
      reason: reason || null,
    };
    try {
      return chrome.runtime.sendMessage(msg).catch(() => ({ ok: false }));
    } catch {
      return Promise.resolve({ ok: false }); // the extension was reloaded: nothing to do
    }
  }

  class UI {
    constructor(t) {
      this.t = t;
      // warnings marked "klopt niet" on this page (kept in the page only): key -> reason given
      this.markedWrong = new Map();
      this.host = document.createElement("denkna-ui");
      this.host.setAttribute("style", "all: initial; position: static;");
      this.shadow = this.host.attachShadow({ mode: "open" });
      const style = document.createElement("style");
      style.textContent = ns.CSS;
      this.root = h("div", { class: "root", lang: t("@lang") || "nl" });
      this.live = h("div", { class: "sr-only", role: "status", "aria-live": "polite", "aria-atomic": "true" });
      this.badge = h("button", {
        class: "badge",
        type: "button",
        "aria-haspopup": "dialog",
        onclick: () => this.onBadge && this.onBadge(),
      });
      this.panel = h("section", { class: "panel", role: "dialog", "aria-modal": "false", tabindex: "-1" });
      this.panel.addEventListener("keydown", (e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          this.onPanelEscape && this.onPanelEscape();
        }
      });
      this.backdrop = h("div", { class: "backdrop" });
      this.mirror = h("div", { class: "mirror", "aria-hidden": "true" });
      this.mirrorFor = null;
      this.root.append(this.live, this.mirror, this.badge, this.panel, this.backdrop);
      this.shadow.append(style, this.root);
      this.anchor = null;
      this.controls = []; // the composer's post/submit controls the panel keeps clear of
      this.controlsOf = () => [];
      this.panelOpen = false;
      (document.body || document.documentElement).append(this.host);
    }

    ensureAttached() {
      if (!this.host.isConnected) (document.body || document.documentElement).append(this.host);
    }

    announce(message) {
      this.live.textContent = "";
      // a fresh node per message so screen readers read it again
      setTimeout(() => {
        this.live.textContent = message;
      }, 50);
    }

    setStatus(field, status) {
      this.ensureAttached();
      this.anchor = field;
      const labels = { ok: "badgeOk", busy: "badgeBusy", warn: "badgeWarn", offline: "statusOffline", signin: "badgeSignIn" };
      const titles = { ok: "statusOk", busy: "statusBusy", warn: "statusWarn", offline: "statusOffline", signin: "statusSignIn" };
      this.badge.dataset.status = status;
      this.badge.replaceChildren(h("span", { class: "dot", "aria-hidden": "true" }), this.t(labels[status]));
      this.badge.title = this.t(titles[status]);
      this.badge.setAttribute("aria-label", this.t(titles[status]));
      this.badge.setAttribute("aria-expanded", String(this.panelOpen));
      this.badge.classList.add("visible");
      this.reposition();
    }

    /** Marks the spans in place for a textarea/input: a mirror with the same box and font
     *  lies over the field; its text is transparent, only the marks show. */
    highlight(field, text, spans) {
      const plain = field instanceof HTMLTextAreaElement || field instanceof HTMLInputElement;
      if (!plain || !spans.length) {
        this.clearHighlight();
        if (!plain && spans.length) this.highlightRich(field, text, spans);
        return;
      }
      const cs = getComputedStyle(field);
      const copy = [
        "fontFamily", "fontSize", "fontWeight", "fontStyle", "fontStretch", "letterSpacing",
        "lineHeight", "textTransform", "wordSpacing", "textIndent", "textAlign", "tabSize",
        "paddingTop", "paddingRight", "paddingBottom", "paddingLeft", "borderTopWidth",
        "borderRightWidth", "borderBottomWidth", "borderLeftWidth", "boxSizing", "direction",
      ];
      const st = this.mirror.style;
      for (const k of copy) st[k] = cs[k];
      st.whiteSpace = field instanceof HTMLTextAreaElement ? "pre-wrap" : "pre";
      st.overflowWrap = field instanceof HTMLTextAreaElement ? "break-word" : "normal";
      const sorted = [...spans].sort((a, b) => a.start - b.start);
      const parts = [];
      let pos = 0;
      for (const sp of sorted) {
        const start = Math.max(pos, sp.start);
        const end = Math.min(text.length, sp.end);
        if (end <= start) continue;
        parts.push(text.slice(pos, start), h("mark", { class: "hl", text: text.slice(start, end) }));
        pos = end;
      }
      parts.push(`${text.slice(pos)}\u200b`);
      this.mirror.replaceChildren(...parts);
      this.mirrorFor = field;
      this.mirror.classList.add("visible");
      this.reposition();
    }

    /** Contenteditable: the CSS Custom Highlight API paints the spans without touching the
     *  editor's DOM (rich editors would fight any element we add). */
    highlightRich(field, text, spans) {
      if (!globalThis.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
      if (!document.getElementById("denkna-highlight-style")) {
        const style = document.createElement("style");
        style.id = "denkna-highlight-style";
        style.textContent =
          "::highlight(denkna-finding){background-color:rgba(255,214,102,.45);" +
          "text-decoration:underline wavy #b42318;text-decoration-skip-ink:none}";
        (document.head || document.documentElement).append(style);
      }
      // where each text node of the editor sits in the text that was checked
      const nodes = [];
      const walker = document.createTreeWalker(field, NodeFilter.SHOW_TEXT);
      let pos = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.data) continue;
        const at = text.indexOf(node.data, pos);
        if (at < 0) continue;
        nodes.push([at, node]);
        pos = at + node.data.length;
      }
      const locate = (offset, isEnd) => {
        for (const [at, node] of nodes) {
          const len = node.data.length;
          if (offset >= at && (offset < at + len || (isEnd && offset === at + len))) return [node, offset - at];
        }
        return null;
      };
      const ranges = [];
      for (const sp of spans) {
        const a = locate(sp.start, false);
        const b = locate(sp.end, true);
        if (!a || !b) continue;
        const r = document.createRange();
        r.setStart(a[0], a[1]);
        r.setEnd(b[0], b[1]);
        ranges.push(r);
      }
      if (ranges.length) CSS.highlights.set("denkna-finding", new Highlight(...ranges));
      else CSS.highlights.delete("denkna-finding");
    }

    clearHighlight() {
      if (globalThis.CSS && CSS.highlights) CSS.highlights.delete("denkna-finding");
      this.mirrorFor = null;
      this.mirror.classList.remove("visible");
      this.mirror.replaceChildren();
    }

    hideAll() {
      this.clearHighlight();
      this.badge.classList.remove("visible");
      this.hidePanel();
      this.anchor = null;
    }

    hidePanel() {
      this.panelOpen = false;
      this.panel.classList.remove("visible", "collapsed");
      this.badge.setAttribute("aria-expanded", "false");
    }

    showFindings(field, text, result, onFix, onClose, notice) {
      this.ensureAttached();
      this.anchor = field;
      this.controls = this.controlsOf(field);
      const flags = result.flags || [];
      const t = this.t;
      const titleId = "denkna-panel-title";
      const items = flags.map((flag) => {
        const kind = fixKind(flag);
        const label = t(CATEGORY_KEYS[flag.category] || "catProtocol");
        return h(
          "li",
          { class: "finding", "data-category": flag.category, "data-severity": flag.severity },
          h(
            "div",
            { class: "fhead" },
            h("span", { class: "cat", "data-category": flag.category, text: label }),
            h("span", { class: "sev", "data-severity": flag.severity, text: t(SEVERITY_KEYS[flag.severity] || "severityLow") })
          ),
          excerpt(text, flag.spans),
          h("p", { class: "reason", text: flag.reason || "" }),
          flag.protocol_ref ? h("p", { class: "ref", text: `${t("protocolRef")}: ${flag.protocol_ref}` }) : null,
          flag.suggestion
            ? h("div", { class: "suggestion" }, h("strong", { text: t("suggestion") }), suggestionText(text, flag, kind))
            : null,
          kind
            ? h("button", {
                class: "fix",
                type: "button",
                "data-fix": kind,
                text: t(kind === "redact" ? "fixRedact" : "fixDisclaimer"),
                onclick: () => onFix(flag),
              })
            : null,
          this.wrongControl(flag, text)
        );
      });
      const advice = result.advice && Array.isArray(result.advice.notes) ? result.advice : { notes: [] };
      // notes about where the text appears; one that cites a rule a finding already explains is left out
      const refs = flags.map((f) => f.protocol_ref).filter(Boolean);
      const notes = advice.notes
        .filter((n) => typeof n === "string" && n.trim() && !refs.some((r) => n.includes(r)))
        .slice(0, 3);
      const count = flags.length === 1 ? t("findingsOne") : t("findingsMany", { count: flags.length });
      this.panel.setAttribute("aria-labelledby", titleId);
      this.panel.replaceChildren(
        h(
          "div",
          { class: "head" },
          h("div", { class: "logo", "aria-hidden": "true", text: "DN" }),
          h(
            "div",
            { class: "titles" },
            h("h2", { class: "title", id: titleId, text: t("panelTitle") }),
            h("p", { class: "subtitle", text: `${count} · ${t("panelIntro")}` })
          ),
          h("button", { class: "close", type: "button", "aria-label": t("panelClose"), title: t("panelClose"), text: "×", onclick: onClose })
        ),
        ...(notice ? [h("p", { class: "notice", role: "alert", text: t(notice) })] : []),
        ...(notes.length ? [h("div", { class: "notes" }, notes.map((n) => h("p", { text: n })))] : []),
        h("ul", { class: "list" }, items),
        this.denkNa()
      );
      this.panelOpen = true;
      this.panel.classList.add("visible");
      this.badge.setAttribute("aria-expanded", "true");
      this.reposition();
    }

    /** Asks to sign in with the school account: one button, and a line saying that posting
     *  goes on meanwhile. Never modal, never in the way of the post button. */
    showSignIn(field, messageKey, onSignIn, onClose) {
      this.ensureAttached();
      this.anchor = field;
      this.controls = this.controlsOf(field);
      const t = this.t;
      const titleId = "denkna-panel-title";
      const button = h("button", { class: "fix signin", type: "button", "data-action": "signin", text: t("signInButton") });
      button.addEventListener("click", () => {
        button.disabled = true;
        button.textContent = t("signInOpened");
        onSignIn();
      });
      this.panel.setAttribute("aria-labelledby", titleId);
      this.panel.replaceChildren(
        h(
          "div",
          { class: "head" },
          h("div", { class: "logo", "aria-hidden": "true", text: "DN" }),
          h("div", { class: "titles" }, h("h2", { class: "title", id: titleId, text: t("signInTitle") })),
          h("button", { class: "close", type: "button", "aria-label": t("panelClose"), title: t("panelClose"), text: "×", onclick: onClose })
        ),
        h("p", { class: "notice signin-message", role: "alert", text: t(messageKey) }),
        h("div", { class: "signin-actions" }, button),
        h("p", { class: "ref", text: t("signInPostingGoesOn") })
      );
      this.panelOpen = true;
      this.panel.classList.add("visible");
      this.badge.setAttribute("aria-expanded", "true");
      this.reposition();
    }

    /** The "Klopt niet" button of one warning; once clicked: thanks, and an optional reason. */
    wrongControl(flag, text) {
      const t = this.t;
      if (!flag.raised_by) return null;
      const marked = (flag.spans || []).map((s) => text.slice(s.start, s.end)).join("|");
      const key = `${flag.category}:${flag.subtype}:${flag.raised_by}:${marked}`;
      const box = h("div", { class: "wrong" });
      const draw = () => {
        if (!this.markedWrong.has(key)) {
          box.replaceChildren(
            h("button", {
              class: "wrong-btn",
              type: "button",
              "data-action": "wrong",
              title: t("wrongTitle"),
              text: t("wrongButton"),
              onclick: () => {
                this.markedWrong.set(key, "");
                reportWrong(flag);
                draw();
                this.announce(t("wrongThanks"));
                const first = box.querySelector("button");
                if (first) first.focus();
              },
            })
          );
          return;
        }
        const reason = this.markedWrong.get(key);
        const children = [h("p", { class: "wrong-thanks", role: "status", text: t("wrongThanks") })];
        if (!reason) {
          children.push(
            h("p", { class: "wrong-ask", text: t("wrongWhy") }),
            h(
              "div",
              { class: "wrong-reasons" },
              WRONG_REASONS.map(([id, label]) =>
                h("button", {
                  type: "button",
                  class: "wrong-reason",
                  "data-reason": id,
                  text: t(label),
                  onclick: () => {
                    this.markedWrong.set(key, id);
                    reportWrong(flag, id);
                    draw();
                  },
                })
              )
            )
          );
        }
        box.replaceChildren(...children);
      };
      draw();
      return box;
    }

    denkNa() {
      const t = this.t;
      return h(
        "div",
        { class: "denkna" },
        h("h3", { text: t("denkNaTitle") }),
        h("ul", {}, DENK_NA.map(([letter, key]) => h("li", {}, h("b", { text: letter }), t(key))))
      );
    }

    focusPanel() {
      const first = this.panel.querySelector("button.fix, button.close");
      (first || this.panel).focus();
    }

    reposition() {
      const el = this.anchor;
      if (!el || !el.isConnected) {
        this.badge.classList.remove("visible");
        this.panel.classList.remove("visible");
        return;
      }
      const r = el.getBoundingClientRect();
      if (this.mirrorFor === el) {
        const m = this.mirror.style;
        const scrollbar = el.offsetWidth - el.clientWidth - el.clientLeft * 2;
        m.left = `${r.left}px`;
        m.top = `${r.top}px`;
        m.width = `${r.width}px`;
        m.height = `${r.height}px`;
        m.paddingRight = `calc(${getComputedStyle(el).paddingRight} + ${Math.max(0, scrollbar)}px)`;
        this.mirror.scrollTop = el.scrollTop;
        this.mirror.scrollLeft = el.scrollLeft;
      }
      const vw = document.documentElement.clientWidth;
      const vh = document.documentElement.clientHeight;
      const bw = this.badge.offsetWidth || 80;
      this.badge.style.left = `${Math.max(4, Math.min(vw - bw - 4, r.right - bw - 6))}px`;
      this.badge.style.top = `${Math.max(4, Math.min(vh - 28, r.bottom - 28))}px`;
      if (this.panelOpen) this.placePanel(r, vw, vh);
    }

    /** The panel goes beside the composer (the field and its post button), never over it:
     *  right of it, below it, left of it or above it, in the first place with room. With too
     *  little room it gets shorter (its head stays, the list scrolls); with none at all it
     *  collapses into the badge until there is room again. */
    placePanel(r, vw, vh) {
      const p = this.panel;
      const box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      for (const el of this.controls) {
        if (!el.isConnected) continue;
        const c = el.getBoundingClientRect();
        if (!c.width || !c.height) continue;
        box.left = Math.min(box.left, c.left);
        box.top = Math.min(box.top, c.top);
        box.right = Math.max(box.right, c.right);
        box.bottom = Math.max(box.bottom, c.bottom);
      }
      p.style.maxHeight = `${MAX_HEIGHT}px`; // the space found decides, up to this
      p.style.width = `${Math.min(PANEL_WIDTH, vw - 2 * EDGE)}px`;
      p.classList.add("visible");
      const natural = p.offsetHeight;
      const head = p.querySelector(".head");
      const minHeight = head ? head.offsetHeight + 2 : 60;
      const clampTop = (h) => Math.max(EDGE, Math.min(box.top, vh - EDGE - h));
      const clampLeft = (w) => Math.max(EDGE, Math.min(box.left, vw - EDGE - w));
      const spaces = [
        { w: vw - EDGE - (box.right + GAP), h: vh - 2 * EDGE, at: (w, h) => [box.right + GAP, clampTop(h)] },
        { w: vw - 2 * EDGE, h: vh - EDGE - (box.bottom + GAP), at: (w, h) => [clampLeft(w), box.bottom + GAP] },
        { w: box.left - GAP - EDGE, h: vh - 2 * EDGE, at: (w, h) => [box.left - GAP - w, clampTop(h)] },
        { w: vw - 2 * EDGE, h: box.top - GAP - EDGE, at: (w, h) => [clampLeft(w), box.top - GAP - h] },
      ];
      for (const least of [Math.min(natural, MIN_FULL_HEIGHT), minHeight]) {
        const space = spaces.find((s) => s.w >= MIN_WIDTH && s.h >= least);
        if (!space) continue;
        const w = Math.min(PANEL_WIDTH, space.w);
        p.style.width = `${w}px`; // a narrower panel is taller
        p.style.maxHeight = `${MAX_HEIGHT}px`;
        const h = Math.min(p.offsetHeight, space.h);
        const [left, top] = space.at(w, h);
        p.style.maxHeight = `${h}px`;
        p.style.left = `${left}px`;
        p.style.top = `${top}px`;
        p.classList.remove("collapsed");
        this.badge.setAttribute("aria-expanded", "true");
        return;
      }
      // no room beside the composer: collapsed into the badge ("let op" stays visible)
      p.classList.remove("visible");
      p.classList.add("collapsed");
      this.badge.setAttribute("aria-expanded", "false");
    }

    /** The "Denk na" confirmation. Resolves "edit" or "post". */
    confirm(what, block) {
      this.ensureAttached();
      const t = this.t;
      return new Promise((resolve) => {
        const finish = (choice) => {
          this.backdrop.classList.remove("visible");
          this.backdrop.replaceChildren();
          document.removeEventListener("keydown", trap, true);
          resolve(choice);
        };
        const edit = h("button", { class: "btn primary", type: "button", "data-action": "edit", text: t("dialogEdit"), onclick: () => finish("edit") });
        const post = block
          ? null
          : h("button", { class: "btn secondary", type: "button", "data-action": "post", text: t("dialogPostAnyway"), onclick: () => finish("post") });
        const dialog = h(
          "div",
          { class: "dialog", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "denkna-dlg-title", "aria-describedby": "denkna-dlg-body" },
          h("h2", { id: "denkna-dlg-title", text: t("dialogTitle") }),
          h("p", { id: "denkna-dlg-body", text: t(block ? "dialogBlockBody" : "dialogBody", { what }) }),
          h("p", { class: "questions", text: ["denkNaD", "denkNaE", "denkNaN1", "denkNaK", "denkNaA"].map((k) => t(k)).join(" · ") }),
          h("div", { class: "actions" }, post, edit)
        );
        const buttons = [post, edit].filter(Boolean);
        const trap = (e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            finish("edit");
          } else if (e.key === "Tab") {
            e.preventDefault();
            e.stopPropagation();
            const i = buttons.indexOf(this.shadow.activeElement);
            const next = (i + (e.shiftKey ? -1 : 1) + buttons.length) % buttons.length;
            buttons[next].focus();
          }
        };
        document.addEventListener("keydown", trap, true);
        this.backdrop.replaceChildren(dialog);
        this.backdrop.classList.add("visible");
        edit.focus();
      });
    }

    get dialogOpen() {
      return this.backdrop.classList.contains("visible");
    }
  }

  ns.UI = UI;
  ns.CATEGORY_KEYS = CATEGORY_KEYS;
})();
