// Agent Dispatch action, bundled by scripts/build-action.ts from action/src.
// Do not edit: change the source and run `npm run build:action`.
import { createRequire as __agentDispatchCreateRequire } from 'node:module';
import { fileURLToPath as __agentDispatchFileUrlToPath } from 'node:url';
const require = __agentDispatchCreateRequire(import.meta.url);
const __filename = __agentDispatchFileUrlToPath(import.meta.url);
const __dirname = __agentDispatchFileUrlToPath(new URL('.', import.meta.url));
import {
  require_src2 as require_src
} from "./chunk-MQYQMYLA.js";
import "./chunk-FB54LL62.js";
export default require_src();
