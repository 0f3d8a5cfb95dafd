export * from './lib/web-shell/web-shell';
