import type { Page } from '@act/contracts';
import { EMPTY, Observable, expand, map, reduce } from 'rxjs';

/** Follows `nextCursor` until the list ends (short lists shown whole). Capped against a looping server. */
export function listAll<T>(fetchPage: (cursor: string | null) => Observable<Page<T>>, maxPages = 20): Observable<T[]> {
  let pages = 0;
  return fetchPage(null).pipe(
    expand((page) => (page.nextCursor && ++pages < maxPages ? fetchPage(page.nextCursor) : EMPTY)),
    map((page) => page.items),
    reduce((all, items) => all.concat(items), [] as T[]),
  );
}
