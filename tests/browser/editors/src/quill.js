// Quill 2 with its core stylesheet and no toolbar theme.
import Quill from "quill";
import "quill/dist/quill.core.css";
import { PLACEHOLDER, editorBox, mountComposer } from "./composer.js";

const quill = new Quill(editorBox(), { placeholder: PLACEHOLDER });
// Quill always ends its text with one newline of its own
mountComposer(() => quill.getText().replace(/\n$/, ""));
