import * as path from 'node:path';

/** apps/web-e2e/src/support → workspace root, independent of the cwd. */
export const workspaceRoot = path.resolve(__dirname, '../../../..');

export const apiMain = path.join(workspaceRoot, 'dist/apps/api/main.js');
export const webDist = path.join(workspaceRoot, 'dist/apps/web/browser');
