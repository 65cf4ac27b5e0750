export { type ApiOptions, createApi, DEFAULT_MAX_UPLOAD } from './app.js';
export { isLoopback } from './auth.js';
export { fileResponse, parseRange } from './files.js';
export * as schemas from './schemas.js';
export { type RunningServer, type StartServerOptions, startServer } from './server.js';
