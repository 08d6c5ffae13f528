import { mountLexical } from "./lexical.js";

mountLexical("plain");
