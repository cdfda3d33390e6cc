#!/usr/bin/env node
// `npm start`: the demo auto-answer server. It needs the session API, which is
// not in this release yet; say so plainly instead of pretending to serve calls.
process.stdout.write(
  'sipline: the demo auto-answer server arrives with the session API (SessionManager).\n' +
    'This checkout has the SIP message layer only; run `npm test` to see what works today.\n',
);
process.exitCode = 0;
