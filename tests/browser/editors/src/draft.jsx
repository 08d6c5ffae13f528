// Draft.js (React 18), controlled the usual way: onChange stores the new EditorState.
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { Editor, EditorState } from "draft-js";
import { PLACEHOLDER, editorBox, mountComposer } from "./composer.js";

let current = EditorState.createEmpty();

function Composer() {
  const [state, setState] = useState(current);
  const onChange = (next) => {
    current = next;
    setState(next);
  };
  return <Editor editorState={state} onChange={onChange} placeholder={PLACEHOLDER} />;
}

createRoot(editorBox()).render(<Composer />);
mountComposer(() => current.getCurrentContent().getPlainText());
