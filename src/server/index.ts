/** The HTTP server, a separate entry so library users who never serve do not load Fastify. */
export { buildServer } from './app.js';
export type { ResolvedServerOptions, ServerOptions } from './options.js';
