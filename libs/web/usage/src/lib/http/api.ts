import { API_BASE } from '@act/web/identity';

/** `api/v1/<segments…>`, each segment URI-encoded (ids, models and months come from users and links). */
export function apiUrl(...segments: string[]): string {
  return [API_BASE, ...segments.map((segment) => encodeURIComponent(segment))].join('/');
}

/** `api/v1/workspaces/<ws>/<segments…>`. */
export function workspaceUrl(workspaceId: string, ...segments: string[]): string {
  return apiUrl('workspaces', workspaceId, ...segments);
}
