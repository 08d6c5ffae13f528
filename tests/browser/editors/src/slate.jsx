// Slate with slate-react, as its documentation sets it up (with history).
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { Node, createEditor } from "slate";
import { Editable, Slate, withReact } from "slate-react";
import { withHistory } from "slate-history";
import { PLACEHOLDER, editorBox, mountComposer } from "./composer.js";

const initialValue = [{ type: "paragraph", children: [{ text: "" }] }];
let editor = null;

function Composer() {
  const [ed] = useState(() => withHistory(withReact(createEditor())));
  editor = ed;
  return (
    <Slate editor={ed} initialValue={initialValue}>
      <Editable placeholder={PLACEHOLDER} aria-multiline="true" />
    </Slate>
  );
}

createRoot(editorBox()).render(<Composer />);
mountComposer(() => editor.children.map((n) => Node.string(n)).join("\n"));
