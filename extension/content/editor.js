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

  const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 30));

  /** Replaces the whole text as if the user did it: the site's own state (React onChange,
   *  the editor's model) sees the change, so the site's submit sends the new text.
   *  textarea/input: execCommand (keeps undo) or the native value setter + "input".
   *  contenteditable: a paste of plain text, which Lexical, Draft.js, ProseMirror and Slate
   *  apply to their model; plain contenteditable falls back to execCommand("insertText"). */
  async function replaceText(el, text) {
    el.focus();
    if (isPlain(el)) {
      el.select();
      const done = el.ownerDocument.execCommand("insertText", false, text);
      if (!done || el.value !== text) setNativeValue(el, text);
      return readText(el) === text;
    }
    selectAll(el);
    await nextFrame(); // editors pick up the selection on "selectionchange"
    const data = new DataTransfer();
    data.setData("text/plain", text);
    const paste = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
    const handled = !el.dispatchEvent(paste);
    if (!handled) {
      selectAll(el);
      el.ownerDocument.execCommand("insertText", false, text);
    }
    await nextFrame();
    return readText(el).trim() === text.trim();
  }

  ns.editor = { fieldOf, readText, replaceText };
})();
