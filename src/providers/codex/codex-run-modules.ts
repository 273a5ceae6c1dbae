/**
 * What a codex run needs besides its app-server — the decoder, the approval answers and the
 * wire schemas they parse with — in a chunk of its own: the provider imports it as a run starts
 * and spawns the app-server meanwhile, so a first run's app-server boots while this loads.
 */
export { answerCodexServerRequest } from './codex-approvals.js';
export { createCodexDecoder } from './codex-decoder.js';
export { codexThreadResultSchema, codexTurnResultSchema } from './codex-wire.js';
