/* Denkna content UI stylesheet, applied inside a shadow root so page CSS cannot reach it. */
(() => {
  "use strict";
  const ns = (globalThis.__denkna = globalThis.__denkna || {});
  ns.CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.root {
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1f2933;
}
.sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
button { font: inherit; cursor: pointer; }
button:focus-visible, summary:focus-visible, .panel:focus-visible {
  outline: 3px solid #1d4ed8; outline-offset: 2px;
}

/* status badge at the field */
.badge {
  position: fixed; z-index: 2147483646; display: none; align-items: center; gap: 6px;
  padding: 3px 10px 3px 8px; border-radius: 999px; border: 1px solid #cbd2d9;
  background: #ffffff; color: #3e4c59; font-size: 12px; font-weight: 600; line-height: 18px;
  box-shadow: 0 1px 3px rgba(15, 23, 42, .16);
}
.badge.visible { display: inline-flex; }
.badge .dot { width: 8px; height: 8px; border-radius: 50%; background: #9aa5b1; flex: none; }
.badge[data-status="ok"] .dot { background: #16794c; }
.badge[data-status="busy"] .dot { background: #7b8794; animation: pulse 1s ease-in-out infinite; }
.badge[data-status="warn"] { border-color: #b42318; color: #8a1c12; background: #fff5f4; }
.badge[data-status="warn"] .dot { background: #b42318; }
.badge[data-status="offline"] { color: #52606d; background: #f5f7fa; }
.badge[data-status="signin"] { border-color: #1d4ed8; color: #1e3a8a; background: #eff4ff; }
.badge[data-status="signin"] .dot { background: #1d4ed8; }
@keyframes pulse { 50% { opacity: .35; } }

/* in-place marks over a textarea/input */
.mirror {
  position: fixed; z-index: 2147483645; display: none; overflow: hidden; pointer-events: none;
  color: transparent; border-style: solid; border-color: transparent; background: transparent; margin: 0;
}
.mirror.visible { display: block; }
.mirror .hl {
  color: transparent; background: rgba(255, 214, 102, .38); border-radius: 2px; padding: 0; box-shadow: none;
  text-decoration: underline wavy #b42318; text-decoration-skip-ink: none; text-underline-offset: 3px;
}

/* findings panel */
.panel {
  position: fixed; z-index: 2147483646; display: none; width: 440px; max-width: calc(100vw - 16px);
  max-height: min(70vh, 620px); overflow: auto; background: #ffffff; border: 1px solid #d9dee5;
  border-radius: 12px; box-shadow: 0 12px 32px rgba(15, 23, 42, .18), 0 2px 6px rgba(15, 23, 42, .08);
}
.panel.visible { display: block; }
.head {
  display: flex; align-items: flex-start; gap: 10px; padding: 14px 16px 12px;
  border-bottom: 1px solid #edf0f3; position: sticky; top: 0; background: #ffffff; z-index: 1;
}
.logo {
  flex: none; width: 30px; height: 30px; border-radius: 8px; background: #0f4c5c; color: #fff;
  font-weight: 800; font-size: 12px; letter-spacing: .02em; display: grid; place-items: center;
}
.titles { flex: 1; min-width: 0; }
.title { margin: 0; font-size: 15px; font-weight: 700; color: #102a43; }
.subtitle { margin: 1px 0 0; font-size: 12.5px; color: #52606d; }
.close {
  flex: none; border: 0; background: transparent; color: #52606d; width: 28px; height: 28px;
  border-radius: 6px; font-size: 18px; line-height: 1;
}
.close:hover { background: #f0f4f8; color: #102a43; }
.notice {
  margin: 10px 12px 0; padding: 8px 10px; border-radius: 8px; background: #fff5f4; border: 1px solid #f3c5c0;
  color: #8a1c12; font-size: 13px;
}
.notes { margin: 10px 12px 0; padding: 8px 10px; border-radius: 8px; background: #eef6fb; border: 1px solid #cfe3f1; }
.notes p { margin: 0; font-size: 13px; color: #1e3a5f; }
.notes p + p { margin-top: 4px; }
.list { list-style: none; margin: 0; padding: 8px 12px 4px; }
.finding {
  margin: 0 0 10px; padding: 10px 12px 12px; border: 1px solid #e4e7eb; border-left: 4px solid #9aa5b1;
  border-radius: 8px; background: #fbfcfd;
}
.finding[data-severity="high"] { border-left-color: #b42318; }
.finding[data-severity="medium"] { border-left-color: #c2410c; }
.finding[data-severity="low"] { border-left-color: #7b8794; }
.fhead { display: flex; align-items: center; gap: 8px; margin-bottom: 6px; }
.cat {
  display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 700;
  background: #e4e7eb; color: #1f2933;
}
.cat[data-category="bullying"] { background: #fde8e7; color: #8a1c12; }
.cat[data-category="discrimination"] { background: #f1e8fd; color: #5b21b6; }
.cat[data-category="personal_data"] { background: #e3effd; color: #1e429f; }
.cat[data-category="profanity"] { background: #fdf1dc; color: #8a4b08; }
.cat[data-category="protocol"] { background: #ddf4f1; color: #0b5e55; }
.sev { font-size: 12px; color: #52606d; }
.sev[data-severity="high"] { color: #8a1c12; font-weight: 600; }
.excerpt {
  margin: 0 0 6px; padding: 6px 8px; border-radius: 6px; background: #f0f4f8; color: #243b53;
  font-size: 13px; white-space: pre-wrap; overflow-wrap: anywhere;
}
mark {
  background: #ffe08a; color: #1f2933; padding: 0 1px; border-radius: 2px;
  box-shadow: inset 0 -2px 0 #b42318;
}
.reason { margin: 0 0 4px; color: #1f2933; }
.ref { margin: 0; font-size: 12px; color: #52606d; }
.suggestion {
  margin: 8px 0 0; padding: 8px; border: 1px dashed #9fb3c8; border-radius: 6px; background: #ffffff;
  font-size: 13px; white-space: pre-wrap; overflow-wrap: anywhere;
}
.suggestion strong { display: block; font-size: 12px; color: #334e68; margin-bottom: 2px; }
.fix {
  margin-top: 8px; border: 0; border-radius: 6px; padding: 6px 12px; background: #0f4c5c; color: #ffffff;
  font-weight: 600; font-size: 13px;
}
.fix:hover { background: #0b3a46; }
.wrong { margin-top: 6px; }
.wrong-btn, .wrong-reason {
  border: 1px solid #9fb3c8; border-radius: 6px; padding: 4px 10px; background: #ffffff; color: #334e68;
  font-size: 12.5px;
}
.wrong-btn:hover, .wrong-reason:hover { background: #f0f4f8; }
.wrong-thanks { margin: 0; font-size: 12.5px; color: #2f6f44; }
.wrong-ask { margin: 4px 0 2px; font-size: 12px; color: #52606d; }
.wrong-reasons { display: flex; flex-wrap: wrap; gap: 4px; }
.denkna {
  margin: 4px 12px 12px; padding: 10px 12px; border-radius: 8px; background: #f5f7fa; border: 1px solid #e4e7eb;
}
.denkna h3 { margin: 0 0 6px; font-size: 12px; letter-spacing: .06em; color: #334e68; }
.denkna ul { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: 1fr 1fr; gap: 2px 12px; }
.denkna li { font-size: 12.5px; color: #334e68; }
.denkna b { display: inline-block; width: 1.1em; color: #0f4c5c; }

/* "Denk na" confirmation */
.backdrop {
  position: fixed; inset: 0; z-index: 2147483647; display: none; align-items: center;
  justify-content: center; background: rgba(15, 23, 42, .45);
}
.backdrop.visible { display: flex; }
.dialog {
  width: 440px; max-width: calc(100vw - 32px); background: #ffffff; border-radius: 14px; padding: 20px 22px 18px;
  box-shadow: 0 24px 48px rgba(15, 23, 42, .3);
}
.dialog h2 { margin: 0 0 8px; font-size: 17px; color: #102a43; }
.dialog p { margin: 0 0 10px; color: #243b53; }
.dialog .questions { margin: 0 0 14px; font-size: 13px; color: #334e68; }
.actions { display: flex; justify-content: flex-end; gap: 10px; margin-top: 6px; }
.btn { border-radius: 8px; padding: 8px 16px; font-weight: 600; font-size: 14px; }
.btn.primary { border: 0; background: #0f4c5c; color: #ffffff; }
.btn.primary:hover { background: #0b3a46; }
.btn.secondary { border: 1px solid #9aa5b1; background: #ffffff; color: #243b53; }
.btn.secondary:hover { background: #f0f4f8; }
@media (prefers-reduced-motion: reduce) { .badge[data-status="busy"] .dot { animation: none; } }
`;
})();
