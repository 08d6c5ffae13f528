/* Reading and writing the text of the field the user types in, through the editor's own
 * input path so that rich editors (Lexical, Draft.js, ProseMirror) keep their state in step. */
(() => {
  "use strict";
  const ns = (globalThis.__denkna = globalThis.__denkna || {});

  const TEXT_INPUT_TYPES = new Set(["text", "search", ""]);

  /** The editable field an event target belongs to, or null (password fields never count). */
  function fieldOf(target) {
    if (!(target instanceof Element)) return null;
    if (target instanceof HTMLTextAreaElement) return target.readOnly || target.disabled ? null : target;
    if (target instanceof HTMLInputElement) {
      const type = (target.getAttribute("type") || "").toLowerCase();
      return TEXT_INPUT_TYPES.has(type) && !target.readOnly && !target.disabled ? target : null;
    }
    if (target.isContentEditable) {
      let root = target;
      while (root.parentElement && root.parentElement.isContentEditable) root = root.parentElement;
      return root;
    }
    return null;
  }

  const isPlain = (el) => el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement;

  function readText(el) {
    if (isPlain(el)) return el.value;
    // innerText keeps the line breaks a reader sees; rich editors add a trailing newline.
    return (el.innerText || "").replace(/\n$/, "");
  }

  function setNativeValue(el, text) {
    const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    const setter = Object.getOwnPropertyDescriptor(proto, "value").set;
    setter.call(el, text);
    el.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertReplacementText", data: text }));
  }

  function selectAll(el) {
    const sel = el.ownerDocument.getSelection();
    const range = el.ownerDocument.createRange();
    range.selectNodeContents(el);
    sel.removeAllRanges();
    sel.addRange(range);
  }

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const normalise = (text) => String(text).replace(/\s+/g, " ").trim();
  /** The field reads as `text` (rich editors render paragraphs with their own line breaks). */
  const holds = (el, text) => normalise(readText(el)) === normalise(text);

  // How long an editor may take to show a change in its DOM (React renders after the event).
  const SETTLE_MS = 400;
  // Editors learn about a new selection on "selectionchange"; slate-react reads it at most once
  // per 100 ms. The first try waits briefly, the retry longer than that.
  const SELECT_WAIT_MS = [30, 160];

  async function settled(el, text) {
    const until = Date.now() + SETTLE_MS;
    while (!holds(el, text)) {
      if (Date.now() >= until) return false;
      await wait(25);
    }
    return true;
  }

  async function replaceOnce(el, text, selectWaitMs) {
    el.focus();
    if (isPlain(el)) {
      el.select();
      const done = el.ownerDocument.execCommand("insertText", false, text);
      if (!done || el.value !== text) setNativeValue(el, text);
      return settled(el, text);
    }
    selectAll(el);
    await wait(selectWaitMs);
    const data = new DataTransfer();
    data.setData("text/plain", text);
    const paste = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
    const handled = !el.dispatchEvent(paste);
    if (!handled) {
      selectAll(el);
      el.ownerDocument.execCommand("insertText", false, text);
    }
    return settled(el, text);
  }

  /** Replaces the whole text as if the user did it: the site's own state (React onChange,
   *  the editor's model) sees the change, so the site's submit sends the new text.
   *  textarea/input: execCommand (keeps undo) or the native value setter + "input".
   *  contenteditable: a paste of plain text, which Lexical, Draft.js, ProseMirror, Quill and
   *  Slate apply to their model; plain contenteditable falls back to execCommand("insertText").
   *  Then checks that the field shows the new text, and tries once more when it does not (an
   *  editor that had not taken in the selection yet adds the text instead of replacing).
   *  Resolves true when the field holds `text`. */
  async function replaceText(el, text) {
    for (const selectWaitMs of SELECT_WAIT_MS) {
      if (await replaceOnce(el, text, selectWaitMs)) return true;
    }
    return false;
  }

  ns.editor = { fieldOf, readText, replaceText };
})();
