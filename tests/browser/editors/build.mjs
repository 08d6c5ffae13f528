// Builds one test page per editor library into dist/: src/<name>.js(x) bundled with esbuild,
// wrapped in src/page.html. Only what is installed from package-lock.json (npm ci) is used:
// no network at build time. `make test` runs it; the browser tests serve dist/ on 127.0.0.1.
import { build } from "esbuild";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, "src");
const dist = path.join(here, "dist");

// page name -> title shown on the page
const PAGES = {
  "lexical-rich": "Lexical (rich text)",
  "lexical-plain": "Lexical (plain text)",
  "draft": "Draft.js",
  "prosemirror": "ProseMirror",
  "quill": "Quill",
  "slate": "Slate",
  "react-textarea": "React textarea",
};

const template = await readFile(path.join(src, "page.html"), "utf8");
const files = await readdir(src);
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

for (const [name, title] of Object.entries(PAGES)) {
  const entry = files.find((f) => f === `${name}.js` || f === `${name}.jsx`);
  if (!entry) throw new Error(`src/${name}.js(x) is missing`);
  await build({
    entryPoints: [path.join(src, entry)],
    bundle: true,
    outfile: path.join(dist, `${name}.js`),
    format: "iife",
    target: "chrome116",
    jsx: "automatic",
    // Draft.js (through fbjs) still names Node's `global`
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
    loader: { ".css": "css" },
    logLevel: "warning",
  });
  const css = existsSync(path.join(dist, `${name}.css`)) ? `<link rel="stylesheet" href="${name}.css">` : "";
  const html = template.replaceAll("{{title}}", title).replaceAll("{{name}}", name).replace("{{css}}", css);
  await writeFile(path.join(dist, `${name}.html`), html);
}
await writeFile(path.join(dist, "pages.json"), JSON.stringify(Object.keys(PAGES)) + "\n");
console.log(`editor pages built: ${Object.keys(PAGES).join(", ")}`);
