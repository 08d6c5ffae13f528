// A React-controlled textarea: the site's state follows onChange only.
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { PLACEHOLDER, editorBox, mountComposer } from "./composer.js";

let current = "";

function Composer() {
  const [value, setValue] = useState("");
  const onChange = (e) => {
    current = e.target.value;
    setValue(e.target.value);
  };
  return <textarea value={value} onChange={onChange} placeholder={PLACEHOLDER} />;
}

createRoot(editorBox()).render(<Composer />);
mountComposer(() => current);
