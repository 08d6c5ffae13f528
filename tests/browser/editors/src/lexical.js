// Lexical in its two set-ups (rich text and plain text), the way a site mounts it without React.
import { $getRoot, createEditor } from "lexical";
import { HeadingNode, QuoteNode, registerRichText } from "@lexical/rich-text";
import { registerPlainText } from "@lexical/plain-text";
import { createEmptyHistoryState, registerHistory } from "@lexical/history";
import { PLACEHOLDER, editorBox, mountComposer } from "./composer.js";

export function mountLexical(kind) {
  const root = document.createElement("div");
  root.contentEditable = "true";
  root.setAttribute("role", "textbox");
  root.setAttribute("aria-multiline", "true");
  root.setAttribute("aria-placeholder", PLACEHOLDER);
  editorBox().append(root);

  const editor = createEditor({
    namespace: `denkna-test-${kind}`,
    nodes: kind === "rich" ? [HeadingNode, QuoteNode] : [],
    onError: (error) => {
      throw error;
    },
  });
  editor.setRootElement(root);
  if (kind === "rich") registerRichText(editor);
  else registerPlainText(editor);
  registerHistory(editor, createEmptyHistoryState(), 300);
  mountComposer(() => editor.getEditorState().read(() => $getRoot().getTextContent()));
}
