#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// Every command's work is over here (serve, worker and studio wait for their own end); a plugin may still hold a
// handle it no longer needs, such as a web provider's browser, and that must not keep the command from exiting.
process.exit(code);
