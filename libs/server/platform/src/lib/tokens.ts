/** Nest injection tokens for what CoreModule provides. */
export const APP_CONFIG = Symbol('AppConfig');
export const SQL_DATABASE = Symbol('SqlDatabase');
export const PROJECTION_RUNNER = Symbol('ProjectionRunner');
