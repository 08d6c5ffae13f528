// ProseMirror with the basic schema, history and the base keymap.
import { EditorState } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { schema } from "prosemirror-schema-basic";
import { baseKeymap } from "prosemirror-commands";
import { history, redo, undo } from "prosemirror-history";
import { keymap } from "prosemirror-keymap";
import { editorBox, mountComposer } from "./composer.js";

const view = new EditorView(editorBox(), {
  state: EditorState.create({
    schema,
    plugins: [history(), keymap({ "Mod-z": undo, "Mod-y": redo }), keymap(baseKeymap)],
  }),
});
mountComposer(() => view.state.doc.textBetween(0, view.state.doc.content.size, "\n"));
