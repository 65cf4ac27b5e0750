export { buildProgram, main } from './main.js';
export { createProgress, type Progress } from './progress.js';
