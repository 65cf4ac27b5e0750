#!/usr/bin/env node
import module from 'node:module';

// Node keeps the compiled code of the modules it loads in its own cache folder (os.tmpdir()), so later
// runs start sooner; Node before 22.1 has no such cache and runs as before.
module.enableCompileCache?.();
const { main } = await import('./main.js');

const code = await main(process.argv.slice(2));
// Every command's work is over here (serve, worker and studio wait for their own end); a plugin may still hold a
// handle it no longer needs, such as a web provider's browser, and that must not keep the command from exiting.
process.exit(code);
