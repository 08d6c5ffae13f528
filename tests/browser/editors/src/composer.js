// What every test page shares: the "Plaatsen" button posts the text the EDITOR holds in its
// own model (not the DOM), the way a social site sends what its editor state says.
export const PLACEHOLDER = "Wat wil je delen, Annemiek?";

export function editorBox() {
  return document.getElementById("editor-box");
}

export function mountComposer(getText) {
  window.posted = [];
  window.editorText = getText;
  document.getElementById("post").addEventListener("click", () => {
    const text = getText();
    window.posted.push(text);
    const li = document.createElement("li");
    li.textContent = text;
    document.getElementById("feed").append(li);
  });
  window.editorReady = true;
}
