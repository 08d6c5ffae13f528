import { mountLexical } from "./lexical.js";

mountLexical("rich");
