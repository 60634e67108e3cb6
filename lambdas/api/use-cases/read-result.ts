/** What a GET by id finds: the view, nothing under a well-formed id, or an id that cannot be one. */
export type ReadResult<V> =
  | { outcome: 'found'; view: V }
  | { outcome: 'not-found' }
  | { outcome: 'invalid-id' };
