export * from './http-request.js';
export * from './event-stream.js';
