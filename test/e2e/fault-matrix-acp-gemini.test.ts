/**
 * The fault matrix for `acp:gemini` (docs/fault-matrix.md): the real CLI against the scripted model
 * server, a fake binary only for garbage on stdout.
 */
import { describeFaultMatrix } from '../support/fault-matrix.js';

const lostSession = {
  code: 'agent_error',
  message: /could not resume session .*(Invalid session identifier|No previous sessions found)/,
};

describeFaultMatrix({
  provider: 'acp:gemini',
  binaryConfig: (path) => ({ acpAgents: { gemini: { command: path } } }),
  faults: [
    'agent-crash',
    'agent-hang',
    'garbage-stdout',
    'missing-binary',
    'http-401',
    'http-529',
    'client-disconnect',
    'server-sigterm',
    'server-sigkill',
  ],
  expectations: {
    // Whether Gemini CLI has written the session by the time it is killed is a race.
    'agent-crash': { resume: { ...lostSession, mayBeKept: true } },
    'server-sigkill': { resume: { ...lostSession, mayBeKept: true } },
    'missing-binary': { error: { code: 'provider_unavailable', message: /no-such-agent/ } },
    // Gemini CLI 0.61 does not keep a session whose first turn got no answer from the model, or
    // was cancelled before it (a server that shuts down cancels its turns).
    'agent-hang': { resume: lostSession },
    'http-401': { resume: lostSession },
    'http-529': { resume: lostSession },
    'client-disconnect': { resume: lostSession },
    'server-sigterm': { resume: lostSession },
  },
});
