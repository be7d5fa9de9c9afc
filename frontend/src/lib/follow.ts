// follow keeps a value in step with the Go side: the first value from a
// bound method, then every event of that name. An event that arrives before
// the first call answers wins (it is newer).
import { onEvent } from './bridge';

export function follow<T>(
  event: string,
  first: () => Promise<T>,
  apply: (v: T) => void,
  onError: (message: string) => void = () => {},
): () => void {
  let fromEvent = false;
  const off = onEvent<T>(event, (v) => {
    fromEvent = true;
    apply(v);
  });
  first()
    .then((v) => {
      if (!fromEvent) apply(v);
    })
    .catch((e: unknown) => onError(e instanceof Error ? e.message : String(e)));
  return off;
}
